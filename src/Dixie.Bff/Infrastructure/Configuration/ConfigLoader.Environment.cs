using Microsoft.Extensions.Logging;

namespace Dixie.Bff.Infrastructure.Configuration;

// Spec 01 §2: the environment name and the rules that depend on it.
public static partial class ConfigLoader
{
    private static readonly Dictionary<string, DixieEnvironment> Environments = new(StringComparer.OrdinalIgnoreCase)
    {
        ["development"] = DixieEnvironment.Development, ["test"] = DixieEnvironment.Test,
        ["staging"] = DixieEnvironment.Staging, ["production"] = DixieEnvironment.Production,
    };

    private static readonly Dictionary<string, LogLevel> LogLevels = new(StringComparer.OrdinalIgnoreCase)
    {
        ["error"] = LogLevel.Error, ["warn"] = LogLevel.Warning, ["info"] = LogLevel.Information, ["debug"] = LogLevel.Debug,
    };

    /// <summary>The placeholder `.env.example` uses for secrets.</summary>
    internal const string Placeholder = "change-me";

    private static DixieEnvironment ReadEnvironment(EnvReader reader)
    {
        var dixieEnv = reader.Scalar("DIXIE_ENV");
        var nodeEnv = reader.Scalar("NODE_ENV");
        if (dixieEnv is not null && nodeEnv is not null && !string.Equals(dixieEnv, nodeEnv, StringComparison.OrdinalIgnoreCase))
        {
            reader.Warn("DIXIE_ENV", $"DIXIE_ENV={dixieEnv} and NODE_ENV={nodeEnv} differ; DIXIE_ENV wins");
        }
        var name = dixieEnv is not null ? "DIXIE_ENV" : "NODE_ENV";
        return reader.Enum(name, Environments) ?? DixieEnvironment.Development;
    }

    private static LogLevel ReadLogLevel(EnvReader reader) => reader.Enum("LOG_LEVEL", LogLevels) ?? LogLevel.Information;

    /// <summary>Spec 01 §2: in production a secret still holding the `.env.example` placeholder is a problem.</summary>
    private static void RefusePlaceholder(EnvReader reader, DixieEnvironment environment, string variable, string? secret, string what = "value")
    {
        if (environment == DixieEnvironment.Production && secret is not null
            && secret.Contains(Placeholder, StringComparison.OrdinalIgnoreCase))
        {
            reader.Problem(variable, $"{what} contains the placeholder \"{Placeholder}\" from .env.example; set a real secret in production");
        }
    }

    private static void RefuseWhitespace(EnvReader reader, string variable, string? secret)
    {
        if (secret is not null && secret.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            reader.Problem(variable, $"must not contain whitespace or control characters (has {secret.Length} characters; check for a trailing newline)");
        }
    }
}
