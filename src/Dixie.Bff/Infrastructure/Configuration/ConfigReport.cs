namespace Dixie.Bff.Infrastructure.Configuration;

/// <summary>Exit codes of the binary that belong to configuration (spec 01 §6).</summary>
public static class ConfigExitCodes
{
    public const int Ok = 0;
    public const int Invalid = 2;
}

/// <summary>The startup report of spec 01 §6, shared by serve and `config check`.</summary>
public static class ConfigReport
{
    /// <summary>
    /// Writes `dixie-bff: invalid configuration (n problems)` and one `VARIABLE: reason` line per
    /// problem. Problem texts never contain secret values, so the report is safe to print as is.
    /// </summary>
    public static void WriteProblems(ConfigResult result, TextWriter writer)
    {
        // The spec's fixed wording, plural even for one, so scripts can match it.
        writer.WriteLine($"dixie-bff: invalid configuration ({result.Problems.Count} problems)");
        foreach (var problem in result.Problems)
        {
            writer.WriteLine(problem.ToString());
        }
    }
}
