using System.Text.Json;
using System.Text.RegularExpressions;

namespace Dixie.Bff.Infrastructure.Configuration;

/// <summary>The fleet variables that need more than a range check (spec 01 §3.7, spec 07 §4).</summary>
internal static partial class FleetCommand
{
    public const string CommandVariable = "DIXIE_FLEET_AGENT_COMMAND";
    public const string EnvVariable = "DIXIE_FLEET_AGENT_ENV";

    /// <summary>Service secrets an agent must never receive (spec 07 §4.2); any `DIXIE_*` name as well.</summary>
    private static readonly HashSet<string> SecretNames = new(StringComparer.OrdinalIgnoreCase)
    {
        "DATABASE_URL", "REDIS_URL", "NATS_URL", "POSTGRES_PASSWORD", "FINN_AUTH_TOKEN",
    };

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*\\z")]
    private static partial Regex VariableName();

    /// <summary>A JSON array of strings, or a plain string split on ASCII whitespace (no quoting).</summary>
    public static IReadOnlyList<string> ParseCommand(EnvReader reader)
    {
        var raw = reader.Scalar(CommandVariable);
        if (raw is null)
        {
            return [];
        }
        if (!raw.StartsWith('['))
        {
            return raw.Split([' ', '\t', '\n', '\r', '\f', '\v'], StringSplitOptions.RemoveEmptyEntries);
        }
        try
        {
            var argv = JsonSerializer.Deserialize<string[]>(raw);
            if (argv is { Length: > 0 } && argv.All(arg => arg is not null) && argv[0].Length > 0)
            {
                return argv;
            }
        }
        catch (JsonException)
        {
            // Reported below.
        }
        reader.Problem(CommandVariable, "starts with [ but is not a non-empty JSON array of strings; use [\"/path/to/agent\",\"--task\",\"{taskId}\"] or a plain space-separated command");
        return [];
    }

    public static IReadOnlyList<string> ParseEnvNames(EnvReader reader)
    {
        var names = new List<string>();
        foreach (var (position, item) in reader.Csv(EnvVariable))
        {
            if (!VariableName().IsMatch(item))
            {
                reader.Problem(EnvVariable, $"item {position} ({EnvReader.Quote(item)}) must be a variable name [A-Za-z_][A-Za-z0-9_]*");
            }
            else if (SecretNames.Contains(item) || item.StartsWith("DIXIE_", StringComparison.OrdinalIgnoreCase))
            {
                reader.Problem(EnvVariable, $"item {position} ({EnvReader.Quote(item)}) names a service secret; agents must not receive DIXIE_*, DATABASE_URL, REDIS_URL, NATS_URL, POSTGRES_PASSWORD or FINN_AUTH_TOKEN");
            }
            else if (!names.Contains(item, StringComparer.Ordinal))
            {
                names.Add(item);
            }
        }
        return names;
    }
}
