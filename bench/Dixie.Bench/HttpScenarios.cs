using System.Globalization;
using Npgsql;

namespace Dixie.Bench;

/// <summary>
/// The wrk scenarios (P1–P6). Each round runs the scenario (A) then its baseline (B); the table
/// reports the median over rounds, so one noisy neighbour burst cannot decide a verdict.
/// </summary>
public sealed class HttpScenarios(BenchSettings settings, Wrk wrk, BenchSeed seed, string jwt)
{
    // Tiered JIT (tier 0 → instrumented → tier 1) of a hot path takes about 10 s under load on 2 cores.
    private const int WarmUpSeconds = 10;
    private readonly Uri _baseline = new(settings.EmulatorUrl, "/healthz");
    private static readonly string[] SeededPaths = Enumerable.Range(0, 100)
        .Select(i => $"/api/reputation/query?routingKey=nft:{BenchSeed.SeededAgent(i * 10)}").ToArray();
    private static readonly string[] UnknownPaths = Enumerable.Range(0, 100)
        .Select(i => $"/api/reputation/query?routingKey=nft:bench-unknown-{i}").ToArray();

    public Task<ScenarioResult> ReputationQueryAsync(string id, string title, string[] paths) =>
        AgainstBaselineAsync(id, title, 32, duration => wrk.RunAsync(settings.BaseUrl, "get.lua", 32, Env(("BENCH_PATHS", string.Join(' ', paths))), duration));

    public Task<ScenarioResult> KnownAgentsAsync() => ReputationQueryAsync("P1", "reputation query, seeded agents (cache hits)", SeededPaths);

    public Task<ScenarioResult> UnknownAgentsAsync() => ReputationQueryAsync("P2", "reputation query, unknown agents (negative cache)", UnknownPaths);

    public async Task<ScenarioResult> HealthAsync()
    {
        var runs = new List<WrkResult>();
        await wrk.RunAsync(new Uri(settings.BaseUrl, "/api/health"), "get.lua", 8, durationSeconds: WarmUpSeconds);
        for (var round = 0; round < settings.Rounds; round++)
            runs.Add(await wrk.RunAsync(new Uri(settings.BaseUrl, "/api/health"), "get.lua", 8));
        var rate = Median.Of(runs.Select(r => r.RequestsPerSecond));
        var p99 = Median.Of(runs.Select(r => r.P99Ms));
        var errors = runs.Sum(r => r.Errors);
        return new ScenarioResult
        {
            Id = "P4", Scenario = "GET /api/health (probes PostgreSQL, Redis, NATS)", Rate = rate,
            P50Ms = Median.Of(runs.Select(r => r.P50Ms)), P99Ms = p99, Target = "≥ 2000 req/s, p99 ≤ 50 ms",
            Pass = rate >= 2000 && p99 <= 50 && errors == 0, Note = ErrorNote(errors),
        };
    }

    /// <summary>
    /// P3: dixie's added latency over calling finn's two endpoints directly, both at 8 connections. A
    /// saturating run measures capacity (the rate column); the A/B rounds then pace every connection so
    /// the offered load is a quarter of that capacity: at saturation a closed loop's p50 is only
    /// connections ÷ throughput, which would measure queueing, not the work a turn adds (docs/adr/014).
    /// </summary>
    public async Task<ScenarioResult> ChatAsync()
    {
        var sessionId = await CreateEmulatorSessionAsync();
        var chatUrl = new Uri(settings.BaseUrl, "/api/chat");
        await wrk.RunAsync(chatUrl, "post.lua", ChatConnections, ChatEnv(pauseMs: 0), WarmUpSeconds);
        var capacity = await wrk.RunAsync(chatUrl, "post.lua", ChatConnections, ChatEnv(pauseMs: 0));
        var pauseMs = PauseFor(capacity.RequestsPerSecond);
        var chat = new List<WrkResult>();
        var create = new List<WrkResult>();
        var message = new List<WrkResult>();
        for (var round = 0; round < settings.Rounds; round++)
        {
            chat.Add(await wrk.RunAsync(chatUrl, "post.lua", ChatConnections, ChatEnv(pauseMs)));
            create.Add(await wrk.RunAsync(new Uri(settings.EmulatorUrl, "/api/sessions"), "post.lua", ChatConnections,
                Paced(pauseMs, ("BENCH_BODY", "{}"))));
            message.Add(await wrk.RunAsync(new Uri(settings.EmulatorUrl, $"/api/sessions/{sessionId}/message"), "post.lua", ChatConnections,
                Paced(pauseMs, ("BENCH_BODY", """{"text":"Hello, what is Berachain?"}"""))));
        }
        var direct50 = Median.Of(create.Select(r => r.P50Ms)) + Median.Of(message.Select(r => r.P50Ms));
        var direct99 = Median.Of(create.Select(r => r.P99Ms)) + Median.Of(message.Select(r => r.P99Ms));
        var p50 = Median.Of(chat.Select(r => r.P50Ms));
        var p99 = Median.Of(chat.Select(r => r.P99Ms));
        var errors = capacity.Errors + chat.Sum(r => r.Errors);
        // The verdict uses the medians; each round's own difference shows how much the machine moved meanwhile.
        var addedByRound = string.Join(", ", chat.Select((r, i) => (r.P50Ms - create[i].P50Ms - message[i].P50Ms).ToString("F2", CultureInfo.InvariantCulture)));
        return new ScenarioResult
        {
            Id = "P3", Scenario = $"POST /api/chat, JWT, new session (two finn calls), 8 connections; latency paced at {Median.Of(chat.Select(r => r.RequestsPerSecond)):F0} req/s",
            Rate = capacity.RequestsPerSecond, P50Ms = p50, P99Ms = p99, Baseline = $"finn direct p50 {direct50:F2} / p99 {direct99:F2} ms",
            Ratio = $"added p50 {p50 - direct50:F2} / p99 {p99 - direct99:F2} ms (p50 by round: {addedByRound})", Target = "added p50 ≤ 2 ms, p99 ≤ 10 ms",
            Pass = p50 - direct50 <= 2 && p99 - direct99 <= 10 && errors == 0, Note = ErrorNote(errors),
        };
    }

    private const int ChatConnections = 8;

    /// <summary>The pause after each answer that makes 8 connections offer a quarter of the measured capacity.</summary>
    internal static int PauseFor(double capacityPerSecond) =>
        (int)Math.Clamp(Math.Round(ChatConnections * 4 * 1000 / Math.Max(capacityPerSecond, 1)), 1, 1000);

    private Dictionary<string, string> ChatEnv(int pauseMs) =>
        Paced(pauseMs, ("BENCH_BODY", """{"prompt":"Hello, what is Berachain?"}"""), ("BENCH_BEARER", jwt));

    /// <summary>The variables for post.lua with every connection waiting <paramref name="pauseMs"/> after each answer.</summary>
    private static Dictionary<string, string> Paced(int pauseMs, params (string Name, string Value)[] pairs) =>
        Env([.. pairs, ("BENCH_PAUSE_MS", Wrk.Invariant(pauseMs))]);

    /// <summary>P5: nonce + sign-in pairs; each signed message carries its own server nonce and is used once.</summary>
    public async Task<ScenarioResult> SignInAsync()
    {
        var runs = new List<WrkResult>();
        for (var round = 0; round < settings.Rounds; round++)
        {
            var lines = Path.Combine(settings.WorkDirectory, $"siwe-{round}.jsonl");
            await File.WriteAllLinesAsync(lines, await seed.SignedMessagesAsync(settings.DurationSeconds * 4000, round + 1));
            runs.Add(await wrk.RunAsync(new Uri(settings.BaseUrl, "/api/auth/siwe"), "post-lines.lua", 16,
                Env(("BENCH_LINES", lines), ("BENCH_PATH", "/api/auth/siwe"), ("BENCH_NONCE_FIRST", "1"))));
            runs.Add(await wrk.RunAsync(_baseline, "get.lua", 16));
        }
        var signIns = runs.Where((_, i) => i % 2 == 0).ToArray();
        var rate = Median.Of(signIns.Select(r => r.RequestsPerSecond / 2));
        var errors = signIns.Sum(r => r.Errors);
        return new ScenarioResult
        {
            Id = "P5", Scenario = "GET /api/auth/nonce + POST /api/auth/siwe (sign-ins/s)", Rate = rate,
            P50Ms = Median.Of(signIns.Select(r => r.P50Ms)), P99Ms = Median.Of(signIns.Select(r => r.P99Ms)),
            Baseline = $"{Median.Of(runs.Where((_, i) => i % 2 == 1).Select(r => r.RequestsPerSecond)):F0} req/s",
            Target = "≥ 1500 sign-ins/s", Pass = rate >= 1500 && errors == 0, Note = ErrorNote(errors),
        };
    }

    /// <summary>P6: batches of 100 new events; afterwards every event the load sent is in the database.</summary>
    public async Task<ScenarioResult> IngestAsync()
    {
        var runs = new List<WrkResult>();
        var missing = 0L;
        for (var round = 0; round < settings.Rounds; round++)
        {
            var prefix = $"bench-p6-{round}-{Guid.NewGuid():N}"[..24];
            var lines = Path.Combine(settings.WorkDirectory, $"events-{round}.jsonl");
            await File.WriteAllLinesAsync(lines, BenchSeed.EventBatches(prefix, settings.DurationSeconds * 100));
            var run = await wrk.RunAsync(new Uri(settings.BaseUrl, "/api/reputation/events"), "post-lines.lua", 8,
                Env(("BENCH_LINES", lines), ("BENCH_PATH", "/api/reputation/events"), ("BENCH_BEARER", settings.AdminKey)));
            runs.Add(run);
            // wrk counts answered requests; one still in flight when it stopped may also have been stored.
            missing += Math.Max(0, run.Requests * 100 - await StoredEventsAsync(prefix));
            await wrk.RunAsync(_baseline, "get.lua", 8);
        }
        var rate = Median.Of(runs.Select(r => r.RequestsPerSecond * 100));
        var errors = runs.Sum(r => r.Errors);
        return new ScenarioResult
        {
            Id = "P6", Scenario = "POST /api/reputation/events, batches of 100 (events/s)", Rate = rate,
            P50Ms = Median.Of(runs.Select(r => r.P50Ms)), P99Ms = Median.Of(runs.Select(r => r.P99Ms)),
            Target = "≥ 2000 events/s, all stored", Pass = rate >= 2000 && missing == 0 && errors == 0,
            Note = missing != 0 ? $"{missing} events missing" : ErrorNote(errors),
        };
    }

    private async Task<ScenarioResult> AgainstBaselineAsync(string id, string title, int connections, Func<int?, Task<WrkResult>> scenario)
    {
        // Warm-up (JIT, connection pools, caches) for both sides before anything is recorded.
        await scenario(WarmUpSeconds);
        await wrk.RunAsync(_baseline, "get.lua", connections, durationSeconds: WarmUpSeconds);
        var runs = new List<WrkResult>();
        var baselines = new List<WrkResult>();
        for (var round = 0; round < settings.Rounds; round++)
        {
            runs.Add(await scenario(null));
            baselines.Add(await wrk.RunAsync(_baseline, "get.lua", connections));
        }
        var rate = Median.Of(runs.Select(r => r.RequestsPerSecond));
        var baseRate = Median.Of(baselines.Select(r => r.RequestsPerSecond));
        var p99 = Median.Of(runs.Select(r => r.P99Ms));
        var baseP99 = Median.Of(baselines.Select(r => r.P99Ms));
        var errors = runs.Sum(r => r.Errors);
        return new ScenarioResult
        {
            Id = id, Scenario = $"{title}, {connections} connections", Rate = rate, P50Ms = Median.Of(runs.Select(r => r.P50Ms)), P99Ms = p99,
            Baseline = $"{baseRate:F0} req/s, p99 {baseP99:F2} ms", Ratio = $"{rate / baseRate:F2} × rate, {p99 / baseP99:F2} × p99",
            Target = "≥ 0.40 × rate, ≤ 4 × p99", Pass = rate >= 0.40 * baseRate && p99 <= 4 * baseP99 && errors == 0, Note = ErrorNote(errors),
        };
    }

    private async Task<string> CreateEmulatorSessionAsync()
    {
        using var client = new HttpClient { BaseAddress = settings.EmulatorUrl };
        using var response = await client.PostAsync("/api/sessions", new StringContent("{}", System.Text.Encoding.UTF8, "application/json"));
        response.EnsureSuccessStatusCode();
        using var json = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.GetProperty("sessionId").GetString()!;
    }

    private async Task<long> StoredEventsAsync(string prefix)
    {
        await using var connection = new NpgsqlConnection(settings.DatabaseUrl);
        await connection.OpenAsync();
        await using var count = new NpgsqlCommand("SELECT count(*) FROM reputation_events WHERE nft_id LIKE @prefix", connection);
        count.Parameters.AddWithValue("prefix", prefix + "%");
        return (long)(await count.ExecuteScalarAsync())!;
    }

    private static Dictionary<string, string> Env(params (string Name, string Value)[] pairs) => pairs.ToDictionary(p => p.Name, p => p.Value);

    private static string ErrorNote(long errors) => errors == 0 ? "" : $"{errors.ToString(CultureInfo.InvariantCulture)} errors";
}
