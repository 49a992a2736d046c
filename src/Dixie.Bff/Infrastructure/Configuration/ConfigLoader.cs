using Microsoft.Extensions.Logging;

namespace Dixie.Bff.Infrastructure.Configuration;

/// <summary>Which variables a command validates (spec 01 §6).</summary>
public enum ConfigScope
{
    /// <summary>`dixie-bff` (serve) and `config check`: everything, including (fs) checks and the key import.</summary>
    Service,
    /// <summary>`migrate …` and `reputation rebuild`: environment, log level and the database only.</summary>
    Database,
}

public sealed record ConfigProblem(string Variable, string Reason)
{
    public override string ToString() => $"{Variable}: {Reason}";
}

public sealed record ConfigWarning(string Variable, string Reason);

/// <summary>What the database commands need (spec 01 §6).</summary>
public sealed record DatabaseCommandConfig(DixieEnvironment Environment, LogLevel LogLevel, string DatabaseConnectionString);

public sealed record ConfigResult
{
    /// <summary>Set for <see cref="ConfigScope.Service"/> when there are no problems.</summary>
    public DixieConfig? Config { get; init; }
    /// <summary>Set for either scope when the database subset has no problems.</summary>
    public DatabaseCommandConfig? Database { get; init; }
    public required IReadOnlyList<ConfigProblem> Problems { get; init; }
    public required IReadOnlyList<ConfigWarning> Warnings { get; init; }
    public bool IsValid => Problems.Count == 0;
}

/// <summary>Maps the environment to a <see cref="DixieConfig"/> plus problems and warnings (spec 01 §1).</summary>
public static partial class ConfigLoader
{
    public static IReadOnlyDictionary<string, string?> ProcessEnvironment()
    {
        var result = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (System.Collections.DictionaryEntry entry in System.Environment.GetEnvironmentVariables())
        {
            result[(string)entry.Key] = entry.Value as string;
        }
        return result;
    }
}
