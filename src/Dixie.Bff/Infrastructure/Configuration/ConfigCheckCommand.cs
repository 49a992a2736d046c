namespace Dixie.Bff.Infrastructure.Configuration;

/// <summary>`dixie-bff config check` (spec 01 §6): validates everything and prints the effective configuration. Connects to nothing.</summary>
public static class ConfigCheckCommand
{
    public static int Run(IReadOnlyDictionary<string, string?> environment, TextWriter stdout, TextWriter stderr)
    {
        var result = ConfigLoader.Load(environment, ConfigScope.Service);
        if (!result.IsValid || result.Config is null)
        {
            ConfigReport.WriteProblems(result, stderr);
            return ConfigExitCodes.Invalid;
        }
        foreach (var warning in result.Warnings)
        {
            stderr.WriteLine($"warning: {warning.Variable}: {warning.Reason}");
        }
        foreach (var setting in EffectiveConfig.Describe(result.Config, environment))
        {
            stdout.WriteLine($"{setting.Name}={setting.Value}  # {setting.Source}");
        }
        return ConfigExitCodes.Ok;
    }
}
