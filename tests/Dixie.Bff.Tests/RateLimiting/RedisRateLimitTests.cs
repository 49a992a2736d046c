using System.Diagnostics;
using System.Net;
using Dixie.Bff.Infrastructure.Logging;
using Dixie.Bff.Infrastructure.RateLimiting;
using Dixie.Bff.Infrastructure.Redis;
using Dixie.Bff.Tests.Infrastructure;
using Dixie.Bff.Tests.Support;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Dixie.Bff.Tests.RateLimiting;

/// <summary>The limiter on the Redis backend: shared across instances, and what happens when Redis fails.</summary>
[Trait("Category", "Security")]
public sealed class RedisRateLimitTests
{
    private static async Task<DixieHost> StartAsync(string redisUrl, string rpm, string prefix = "")
    {
        var host = await DixieHost.StartAsync(new DixieHostOptions
        {
            Environment =
            {
                ["REDIS_URL"] = redisUrl,
                ["DIXIE_REDIS_PREFIX"] = prefix,
                ["DIXIE_RATE_LIMIT_BACKEND"] = "redis",
                ["DIXIE_RATE_LIMIT_RPM"] = rpm,
            },
        });
        // Until the first connect the limiter falls back; these tests are about the connected state.
        await Eventually.TrueAsync(() => host.Get<RedisConnection>().IsConnected, TimeSpan.FromSeconds(15), "the Redis connection");
        return host;
    }

    private static async Task<long> MetricAsync(DixieHost host, string series, string? label = null)
    {
        var text = await host.Client.GetStringAsync("/metrics");
        return text.Split('\n')
            .Where(l => (l.StartsWith(series + " ", StringComparison.Ordinal) || l.StartsWith(series + "{", StringComparison.Ordinal))
                && (label is null || l.Contains(label, StringComparison.Ordinal)))
            .Sum(l => long.Parse(l[(l.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task Concurrent_requests_for_one_key_share_script_calls_and_get_exactly_the_single_call_decisions()
    {
        var servers = await SharedServers.GetAsync();
        await using var host = await StartAsync(servers.Redis.Url, "50", $"rl-{Guid.NewGuid():N}:");
        var limiter = host.Get<ApiRateLimiter>();
        var policy = new RateLimitPolicy(RateLimitPolicy.DefaultName, 50);
        var multiplexer = host.Get<RedisConnection>().Multiplexer!;
        var session = new StackExchange.Redis.Profiling.ProfilingSession();
        multiplexer.RegisterProfiler(() => session);

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 200).Select(_ => limiter.DecideAsync(policy, "ip:192.0.2.77", CancellationToken.None).AsTask()));
        var scriptCalls = session.FinishProfiling().Count(c => c.Command is "EVALSHA" or "EVAL");

        Assert.All(outcomes, o => Assert.Equal(RateLimitMetrics.RedisBackend, o.Backend));
        var admitted = outcomes.Where(o => o.Decision.Admitted).ToList();
        Assert.Equal(50, admitted.Count);
        // Every admitted request saw its own place in the line, as 50 single calls would have told them.
        Assert.Equal(Enumerable.Range(0, 50).Select(i => (long)i), admitted.Select(o => o.Decision.Remaining).Order());
        Assert.All(outcomes.Where(o => !o.Decision.Admitted), o => Assert.InRange(o.Decision.RetryUs, 1, Gcra.PeriodUs / 50));
        Assert.InRange(scriptCalls, 1, 20);
    }

    [Fact]
    public async Task Two_instances_on_one_redis_share_one_limit()
    {
        var servers = await SharedServers.GetAsync();
        var prefix = $"rl-{Guid.NewGuid():N}:";
        await using var a = await StartAsync(servers.Redis.Url, "4", prefix);
        await using var b = await StartAsync(servers.Redis.Url, "4", prefix);

        var remaining = new List<string?>();
        foreach (var host in new[] { a, b, a, b }) remaining.Add((await host.GetAsync("/api/chat")).Header("X-RateLimit-Remaining"));
        var rejectedByA = await a.GetAsync("/api/chat");
        var rejectedByB = await b.GetAsync("/api/chat");

        Assert.Equal(["3", "2", "1", "0"], remaining);
        await ErrorAssert.IsErrorAsync(rejectedByA, HttpStatusCode.TooManyRequests, "rate_limited");
        await ErrorAssert.IsErrorAsync(rejectedByB, HttpStatusCode.TooManyRequests, "rate_limited");
        Assert.Empty(a.Logs.Events(LogEvents.RateLimitRedisFallback));
        Assert.Empty(b.Logs.Events(LogEvents.RateLimitRedisFallback));

        // The state lives under the environment prefix, in the spec's key and format.
        await using var redis = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{servers.Redis.Port}");
        var state = (string?)await redis.GetDatabase().StringGetAsync($"{prefix}ratelimit:v2:default:ip:127.0.0.1");
        Assert.Matches(@"\A\d{16}:[0-3]\z", state);
        await Eventually.TrueAsync(async () => await MetricAsync(a, "dixie_rate_limit_rejected_total", "backend=\"redis\"") >= 1,
            what: "the Redis rejection in /metrics");
    }

    [Fact]
    public async Task Script_runs_by_sha_and_survives_a_script_flush()
    {
        await using var server = await RedisServer.StartAsync();
        await using var host = await StartAsync(server.Url, "10");
        await using var admin = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{server.Port},allowAdmin=true");
        var redis = admin.GetServer("127.0.0.1", server.Port);

        for (var i = 0; i < 5; i++) await host.GetAsync("/api/chat");
        var before = await CommandCallsAsync(redis);
        await redis.ScriptFlushAsync();
        var afterFlush = await host.GetAsync("/api/chat");
        var next = await host.GetAsync("/api/chat");

        Assert.True(before.GetValueOrDefault("evalsha") >= 4, $"calls: {string.Join(", ", before)}");
        Assert.True(before.GetValueOrDefault("eval") <= 1, $"calls: {string.Join(", ", before)}");
        // Redis decided both (the state continued), with no detour through the fallback.
        Assert.Equal("4", afterFlush.Header("X-RateLimit-Remaining"));
        Assert.Equal("3", next.Header("X-RateLimit-Remaining"));
        Assert.Empty(host.Logs.Events(LogEvents.RateLimitRedisFallback));
    }

    private static async Task<Dictionary<string, long>> CommandCallsAsync(IServer server)
    {
        var calls = new Dictionary<string, long>();
        foreach (var entry in (await server.InfoAsync("commandstats")).SelectMany(g => g))
        {
            // cmdstat_evalsha: calls=4,usec=...
            var value = entry.Value.Split(',')[0];
            calls[entry.Key.Replace("cmdstat_", "", StringComparison.Ordinal)] = long.Parse(value["calls=".Length..], System.Globalization.CultureInfo.InvariantCulture);
        }
        return calls;
    }

    [Trait("Category", "Faults")]
    [Fact]
    public async Task Stopped_redis_falls_back_to_the_in_process_limiter_logs_once_and_recovers()
    {
        await using var server = await RedisServer.StartAsync();
        await using var host = await StartAsync(server.Url, "3");
        var viaRedis = await host.GetAsync("/api/chat");
        Assert.Equal("2", viaRedis.Header("X-RateLimit-Remaining"));
        var fallbacksBefore = await MetricAsync(host, "dixie_rate_limit_redis_fallback_total");

        await server.StopAsync();
        var during = new List<HttpResponseMessage>();
        for (var i = 0; i < 4; i++) during.Add(await host.GetAsync("/api/chat"));

        // The in-process limiter starts from nothing, and still limits.
        Assert.Equal(["2", "1", "0"], during.Take(3).Select(r => r.Header("X-RateLimit-Remaining")));
        await ErrorAssert.IsErrorAsync(during[3], HttpStatusCode.TooManyRequests, "rate_limited");
        var fallback = Assert.Single(host.Logs.Events(LogEvents.RateLimitRedisFallback));
        Assert.Equal(LogLevel.Warning, fallback.Level);
        await Eventually.TrueAsync(async () => await MetricAsync(host, "dixie_rate_limit_redis_fallback_total") >= fallbacksBefore + 4,
            what: "four fallbacks in /metrics");
        await Eventually.TrueAsync(async () => await MetricAsync(host, "dixie_rate_limit_rejected_total", "backend=\"memory\"") >= 1,
            what: "the memory rejection in /metrics");

        await server.StartAgainAsync();
        await Eventually.TrueAsync(() => host.Get<RedisConnection>().IsConnected, TimeSpan.FromSeconds(15), "the reconnect");
        // The 5 s back-off ends, the next request reaches the (empty) restarted Redis.
        var recovered = await Eventually.ValueAsync(() => host.GetAsync("/api/chat"),
            r => host.Logs.Events(LogEvents.RateLimitRedisRecovered).Count > 0, TimeSpan.FromSeconds(15),
            _ => "no rate_limit_redis_recovered line:\n" + host.Logs.AllText);

        Assert.Equal("2", recovered.Header("X-RateLimit-Remaining"));
        Assert.Equal(LogLevel.Information, Assert.Single(host.Logs.Events(LogEvents.RateLimitRedisRecovered)).Level);
        Assert.Single(host.Logs.Events(LogEvents.RateLimitRedisFallback));
    }

    [Trait("Category", "Faults")]
    [Fact]
    public async Task Hung_redis_costs_one_request_the_250_ms_budget_and_the_next_ones_nothing()
    {
        await using var server = await RedisServer.StartAsync();
        await using var host = await StartAsync(server.Url, "100");
        await host.GetAsync("/api/chat");

        await server.FreezeAsync();
        try
        {
            var first = Stopwatch.StartNew();
            var overBudget = await host.GetAsync("/api/chat");
            first.Stop();
            var second = Stopwatch.StartNew();
            var inBackOff = await host.GetAsync("/api/chat");
            second.Stop();

            Assert.Equal(HttpStatusCode.Unauthorized, overBudget.StatusCode);
            Assert.Equal("99", overBudget.Header("X-RateLimit-Remaining"));
            Assert.InRange(first.Elapsed, TimeSpan.FromMilliseconds(240), TimeSpan.FromMilliseconds(900));
            Assert.Equal("98", inBackOff.Header("X-RateLimit-Remaining"));
            Assert.True(second.Elapsed < TimeSpan.FromMilliseconds(200), $"took {second.Elapsed}");
            Assert.Single(host.Logs.Events(LogEvents.RateLimitRedisFallback));
        }
        finally
        {
            await server.ThawAsync();
        }
    }
}
