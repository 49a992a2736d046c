namespace Dixie.Bench;

/// <summary>What `bench/run.sh` hands the driver, all through the environment.</summary>
public sealed record BenchSettings
{
    public required Uri BaseUrl { get; init; }
    public required Uri EmulatorUrl { get; init; }
    public required string AdminKey { get; init; }
    public required string WrkDirectory { get; init; }
    public required string WorkDirectory { get; init; }
    public required string ResultsPath { get; init; }
    public required string DatabaseUrl { get; init; }
    public int DurationSeconds { get; init; } = 10;
    public int Rounds { get; init; } = 3;
    /// <summary>Scenario ids to run (empty: all).</summary>
    public IReadOnlySet<string> Only { get; init; } = new HashSet<string>();
    /// <summary>dixie-bff's process id, for its resident memory after the scenarios (M1).</summary>
    public int? ServicePid { get; init; }
    public double? StartMilliseconds { get; init; }

    public static BenchSettings FromEnvironment()
    {
        static string Required(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } value
            ? value : throw new InvalidOperationException($"{name} is not set (bench/run.sh sets it)");
        static string? Optional(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value : null;
        var culture = System.Globalization.CultureInfo.InvariantCulture;
        return new BenchSettings
        {
            BaseUrl = new Uri(Required("BENCH_BASE_URL")),
            EmulatorUrl = new Uri(Required("BENCH_EMULATOR_URL")),
            AdminKey = Required("BENCH_ADMIN_KEY"),
            WrkDirectory = Required("BENCH_WRK_DIR"),
            WorkDirectory = Required("BENCH_WORK_DIR"),
            ResultsPath = Required("BENCH_RESULTS"),
            DatabaseUrl = ConnectionString(new Uri(Required("BENCH_DATABASE_URL"))),
            DurationSeconds = Optional("BENCH_DURATION") is { } d ? int.Parse(d, culture) : 10,
            Rounds = Optional("BENCH_ROUNDS") is { } r ? int.Parse(r, culture) : 3,
            Only = (Optional("BENCH_ONLY") ?? "").Split([',', ' '], StringSplitOptions.RemoveEmptyEntries)
                .Select(s => s.ToUpperInvariant()).ToHashSet(),
            ServicePid = Optional("BENCH_SERVICE_PID") is { } pid ? int.Parse(pid, culture) : null,
            StartMilliseconds = Optional("BENCH_START_MS") is { } s ? double.Parse(s, culture) : null,
        };
    }

    /// <summary>`postgresql://user:password@host:port/database` as an Npgsql connection string.</summary>
    private static string ConnectionString(Uri url)
    {
        var user = url.UserInfo.Split(':', 2);
        return new Npgsql.NpgsqlConnectionStringBuilder
        {
            Host = url.Host,
            Port = url.Port > 0 ? url.Port : 5432,
            Username = Uri.UnescapeDataString(user[0]),
            Password = user.Length > 1 ? Uri.UnescapeDataString(user[1]) : null,
            Database = url.AbsolutePath.Trim('/'),
        }.ConnectionString;
    }

    public bool Runs(string id) => Only.Count == 0 || Only.Contains(id);
}
