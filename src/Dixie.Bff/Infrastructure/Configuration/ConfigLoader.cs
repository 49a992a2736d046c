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
    /// <summary>The variables <see cref="ConfigScope.Database"/> validates.</summary>
    private static readonly HashSet<string> DatabaseVariables =
        new(StringComparer.Ordinal) { "DIXIE_ENV", "NODE_ENV", "LOG_LEVEL", "DATABASE_URL", "DATABASE_POOL_SIZE" };

    /// <summary>
    /// Validates the environment for <paramref name="scope"/>. Pure apart from the "(fs)" checks of the
    /// service scope; every problem is collected, none is thrown.
    /// </summary>
    public static ConfigResult Load(IReadOnlyDictionary<string, string?> environment, ConfigScope scope)
    {
        var reader = new EnvReader(environment);
        var dixieEnvironment = ReadEnvironment(reader);
        if (scope == ConfigScope.Database)
        {
            var logLevel = ReadLogLevel(reader);
            var connectionString = ReadDatabaseUrl(reader, dixieEnvironment);
            return Result(reader, config: null, DatabaseSubset(reader, dixieEnvironment, logLevel, connectionString));
        }

        var http = ReadHttp(reader);
        var finn = ReadFinn(reader, dixieEnvironment);
        var auth = ReadAuth(reader, dixieEnvironment, http.CorsOrigins);
        var access = ReadAccess(reader, dixieEnvironment);
        var data = ReadData(reader, dixieEnvironment);
        var telemetry = ReadTelemetry(reader, dixieEnvironment);
        var fleet = ReadFleet(reader, environment.GetValueOrDefault("PATH"));
        UnreadVariables.Check(environment, reader);

        var config = reader.Problems.Count == 0 && finn is not null && auth is not null && data is not null
            ? new DixieConfig
            {
                Environment = dixieEnvironment,
                Http = http,
                Finn = finn,
                Auth = auth,
                Access = access,
                Data = data,
                Telemetry = telemetry,
                Fleet = fleet,
            }
            : null;
        return Result(reader, config, DatabaseSubset(reader, dixieEnvironment, http.LogLevel, data?.DatabaseConnectionString));
    }

    private static DatabaseCommandConfig? DatabaseSubset(
        EnvReader reader, DixieEnvironment environment, LogLevel logLevel, string? connectionString) =>
        connectionString is not null && !reader.Problems.Any(problem => DatabaseVariables.Contains(problem.Variable))
            ? new DatabaseCommandConfig(environment, logLevel, connectionString)
            : null;

    private static ConfigResult Result(EnvReader reader, DixieConfig? config, DatabaseCommandConfig? database) => new()
    {
        Config = config,
        Database = database,
        Problems = reader.Problems.ToList(),
        Warnings = reader.Warnings.ToList(),
    };

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
