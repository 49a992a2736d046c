using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Dixie.Bff.Tests.Infrastructure;
using Dixie.Bff.Tests.Support;

namespace Dixie.Bff.Tests.Health;

/// <summary>Each test owns the servers it stops, so other tests never see the outage.</summary>
public sealed class HealthOutageTests
{
    private static readonly string[] KnownErrors =
    [
        "PostgreSQL timed out", "PostgreSQL connection failed", "Redis timed out", "Redis connection failed",
        "NATS not connected", "NATS timed out", "JetStream unavailable",
    ];

    [Fact]
    public async Task Everything_up_is_healthy()
    {
        var shared = await SharedServers.GetAsync();
        await using var host = await DixieHost.StartAsync(new DixieHostOptions
        {
            Environment = { ["REDIS_URL"] = shared.Redis.Url, ["NATS_URL"] = shared.Nats.Url },
        });
        var body = await WaitForHealthAsync(host, b =>
            b.GetProperty("infrastructure").GetProperty("nats").GetProperty("status").GetString() == "healthy"
            && b.GetProperty("infrastructure").GetProperty("redis").GetProperty("status").GetString() == "healthy");
        Assert.Equal("healthy", body.GetProperty("status").GetString());
        Assert.Equal("healthy", body.GetProperty("infrastructure").GetProperty("postgresql").GetProperty("status").GetString());
        Assert.Equal("closed", body.GetProperty("services").GetProperty("loa_finn").GetProperty("circuit_state").GetString());
    }

    [Trait("Category", "Faults")]
    [Fact]
    public async Task Postgres_outage_degrades_health_and_readiness_until_it_returns()
    {
        await using var postgres = await PostgresServer.StartAsync();
        await using var host = await DixieHost.StartAsync(new DixieHostOptions { DatabaseUrl = await postgres.CreateDatabaseAsync() });
        var before = JsonDocument.Parse(await host.Client.GetStringAsync("/api/health")).RootElement;
        var countBefore = before.GetProperty("reputation_service").GetProperty("aggregate_count").GetInt64();

        await postgres.StopAsync();
        var watch = Stopwatch.StartNew();
        var response = await host.Client.GetAsync("/api/health");
        watch.Stop();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        var entry = body.GetProperty("infrastructure").GetProperty("postgresql");
        Assert.Equal("unreachable", entry.GetProperty("status").GetString());
        Assert.Contains(entry.GetProperty("error").GetString(), KnownErrors);
        Assert.Equal("degraded", body.GetProperty("status").GetString());
        Assert.Equal(countBefore, body.GetProperty("reputation_service").GetProperty("aggregate_count").GetInt64());
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(3), $"health took {watch.Elapsed}");

        Assert.Equal(HttpStatusCode.OK, (await host.Client.GetAsync("/healthz/live")).StatusCode);
        var ready = await host.Client.GetAsync("/healthz/ready");
        var readyBody = await ErrorAssert.IsErrorAsync(ready, HttpStatusCode.ServiceUnavailable, "not_ready", "PostgreSQL unreachable");
        Assert.Equal("database_unreachable", readyBody.GetProperty("reason").GetString());

        await postgres.StartAgainAsync();
        await Eventually.TrueAsync(async () => (await host.Client.GetAsync("/healthz/ready")).StatusCode == HttpStatusCode.OK, TimeSpan.FromSeconds(20), "readiness");
        var after = await WaitForHealthAsync(host, b => b.GetProperty("status").GetString() == "healthy");
        Assert.Equal("healthy", after.GetProperty("infrastructure").GetProperty("postgresql").GetProperty("status").GetString());
    }

    [Trait("Category", "Faults")]
    [Fact]
    public async Task Redis_outage_degrades_health()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var host = await DixieHost.StartAsync(new DixieHostOptions { Environment = { ["REDIS_URL"] = redis.Url } });
        await WaitForHealthAsync(host, b => b.GetProperty("infrastructure").GetProperty("redis").GetProperty("status").GetString() == "healthy");

        await redis.StopAsync();
        var body = await WaitForHealthAsync(host, b => b.GetProperty("infrastructure").GetProperty("redis").GetProperty("status").GetString() == "unreachable");
        Assert.Contains(body.GetProperty("infrastructure").GetProperty("redis").GetProperty("error").GetString(), KnownErrors);
        Assert.Equal("degraded", body.GetProperty("status").GetString());

        await redis.StartAgainAsync();
        await WaitForHealthAsync(host, b => b.GetProperty("status").GetString() == "healthy");
    }

    [Trait("Category", "Faults")]
    [Fact]
    public async Task Nats_outage_degrades_health()
    {
        await using var nats = await NatsServer.StartAsync();
        await using var host = await DixieHost.StartAsync(new DixieHostOptions { Environment = { ["NATS_URL"] = nats.Url } });
        await WaitForHealthAsync(host, b => b.GetProperty("infrastructure").GetProperty("nats").GetProperty("status").GetString() == "healthy");

        await nats.StopAsync();
        var body = await WaitForHealthAsync(host, b => b.GetProperty("infrastructure").GetProperty("nats").GetProperty("status").GetString() == "unreachable");
        Assert.Contains(body.GetProperty("infrastructure").GetProperty("nats").GetProperty("error").GetString(), KnownErrors);
        Assert.Equal("degraded", body.GetProperty("status").GetString());

        await nats.StartAgainAsync();
        await WaitForHealthAsync(host, b => b.GetProperty("status").GetString() == "healthy");
    }

    [Trait("Category", "Faults")]
    [Fact]
    public async Task Emulator_down_makes_finn_unreachable_and_the_service_unhealthy()
    {
        await using var emulator = await TestEmulator.StartAsync();
        await using var host = await DixieHost.StartAsync(new DixieHostOptions { FinnUrl = emulator.BaseUrl });
        await emulator.Admin.SetFaultAsync("error", status: 503, path: "/health");
        var body = JsonDocument.Parse(await host.Client.GetStringAsync("/api/health")).RootElement;
        var finn = body.GetProperty("services").GetProperty("loa_finn");
        Assert.Equal("unreachable", finn.GetProperty("status").GetString());
        Assert.Equal("loa-finn returned HTTP 503", finn.GetProperty("error").GetString());
        Assert.Equal("unhealthy", body.GetProperty("status").GetString());
    }

    [Trait("Category", "Faults")]
    [Fact]
    public async Task Dependencies_that_accept_and_never_answer_are_probed_concurrently()
    {
        using var postgres = new SilentListener();
        using var redis = new SilentListener();
        using var nats = new SilentListener();
        await using var host = await DixieHost.StartAsync(new DixieHostOptions
        {
            DatabaseUrl = $"postgres://dixie:secret@127.0.0.1:{postgres.Port}/dixie",
            WaitUntilMigrated = false,
            Environment = { ["REDIS_URL"] = $"redis://127.0.0.1:{redis.Port}", ["NATS_URL"] = $"nats://127.0.0.1:{nats.Port}" },
        });

        var stopwatch = Stopwatch.StartNew();
        var body = JsonDocument.Parse(await host.Client.GetStringAsync("/api/health")).RootElement;
        stopwatch.Stop();

        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(2.5), $"took {stopwatch.Elapsed}");
        var infrastructure = body.GetProperty("infrastructure");
        // PostgreSQL is probed per request and times out; Redis and NATS report their background
        // connection, which a silent server never completes (docs/adr/004).
        Assert.Equal("PostgreSQL timed out", infrastructure.GetProperty("postgresql").GetProperty("error").GetString());
        foreach (var name in new[] { "redis", "nats" })
        {
            var entry = infrastructure.GetProperty(name);
            Assert.Equal("unreachable", entry.GetProperty("status").GetString());
            Assert.Contains(entry.GetProperty("error").GetString(), KnownErrors);
        }
    }

    private static Task<JsonElement> WaitForHealthAsync(DixieHost host, Func<JsonElement, bool> condition) =>
        Eventually.ValueAsync(
            async () => JsonDocument.Parse(await host.Client.GetStringAsync("/api/health")).RootElement,
            condition,
            TimeSpan.FromSeconds(20),
            last => "health never reached the expected state; last: " + last.GetRawText());
}
