using System.Diagnostics;
using Dixie.Bff.Infrastructure;
using Dixie.Bff.Infrastructure.Logging;
using Dixie.Bff.Infrastructure.Redis;
using Dixie.Bff.Tests.Infrastructure;
using Dixie.Bff.Tests.Support;
using StackExchange.Redis;

namespace Dixie.Bff.Tests.Messaging;

public sealed class RedisConnectionTests
{
    private static Task<MessagingHost> StartAsync(int port, string prefix = "") =>
        MessagingHost.StartAsync(MessagingConfig.Create(MessagingConfig.Redis(port), prefix), (services, config) => services.AddRedis(config));

    private static async Task<RedisConnection> ConnectedAsync(MessagingHost host)
    {
        var redis = host.Get<RedisConnection>();
        await redis.Connecting;
        return redis;
    }

    [Fact]
    public async Task Probe_is_healthy_when_redis_answers()
    {
        await using var server = await RedisServer.StartAsync();
        await using var host = await StartAsync(server.Port);
        var redis = await ConnectedAsync(host);

        var result = await redis.ProbeAsync(CancellationToken.None);

        Assert.Equal(ProbeResult.Healthy, result.Status);
        Assert.NotNull(result.LatencyMs);
        Assert.Null(result.Error);
        Assert.True(redis.IsConnected);
        Assert.Single(host.Logs.Events(LogEvents.RedisConnected));
        Assert.Empty(host.Logs.Events(LogEvents.RedisEvictionPolicy));
    }

    [Fact]
    public async Task Stopped_redis_is_unreachable_at_once_and_recovers_after_restart()
    {
        await using var server = await RedisServer.StartAsync();
        await using var host = await StartAsync(server.Port);
        var redis = await ConnectedAsync(host);

        await server.StopAsync();
        await Eventually.TrueAsync(() => !redis.IsConnected, what: "the disconnect");
        var stopwatch = Stopwatch.StartNew();
        var down = await redis.ProbeAsync(CancellationToken.None);
        stopwatch.Stop();

        Assert.Equal(new ProbeResult(ProbeResult.Unreachable, down.LatencyMs, "Redis connection failed"), down);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromMilliseconds(500), $"took {stopwatch.Elapsed}");
        var unavailable = await host.Logs.WaitForAsync(LogEvents.RedisUnavailable);
        Assert.False(string.IsNullOrEmpty(unavailable.String("error_class")));
        await host.Logs.WaitForAsync(LogEvents.HealthProbeFailed);

        await server.StartAgainAsync();
        await Eventually.TrueAsync(() => redis.IsConnected, TimeSpan.FromSeconds(15), "the reconnect");
        var up = await redis.ProbeAsync(CancellationToken.None);

        Assert.Equal(ProbeResult.Healthy, up.Status);
        await host.Logs.WaitForAsync(LogEvents.RedisRestored);
        Assert.Single(host.Logs.Events(LogEvents.RedisUnavailable));
        Assert.Single(host.Logs.Events(LogEvents.RedisConnected));
    }

    [Fact]
    public async Task Hung_redis_times_out_within_the_probe_timeout()
    {
        await using var server = await RedisServer.StartAsync();
        await using var host = await StartAsync(server.Port);
        var redis = await ConnectedAsync(host);

        await server.FreezeAsync();
        var stopwatch = Stopwatch.StartNew();
        var result = await redis.ProbeAsync(CancellationToken.None);
        stopwatch.Stop();
        await server.ThawAsync();

        Assert.Equal(new ProbeResult(ProbeResult.Unreachable, result.LatencyMs, "Redis timed out"), result);
        // The probe's budget is 2 s; the margin absorbs timers firing late on a busy test machine (2.9 s was
        // seen), and the bound still fails a probe that hangs on the frozen server.
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(4), $"took {stopwatch.Elapsed}");
    }

    [Fact]
    public async Task Unconfigured_redis_is_reported_as_not_configured()
    {
        await using var host = await MessagingHost.StartAsync(MessagingConfig.Create(), (services, config) => services.AddRedis(config));
        var redis = host.Get<RedisConnection>();

        var result = await redis.ProbeAsync(CancellationToken.None);

        Assert.Same(ProbeResult.NotConfiguredResult, result);
        Assert.Null(result.LatencyMs);
        Assert.False(redis.IsConfigured);
        Assert.False(redis.IsConnected);
        Assert.Throws<InvalidOperationException>(() => redis.Database);
    }

    [Fact]
    public async Task Starting_never_waits_for_a_redis_that_does_not_answer()
    {
        using var hung = new SilentListener();
        var stopwatch = Stopwatch.StartNew();
        await using var host = await StartAsync(hung.Port);
        stopwatch.Stop();
        var redis = host.Get<RedisConnection>();

        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(1), $"start took {stopwatch.Elapsed}");
        Assert.Throws<RedisConnectionException>(() => redis.Database);
        var result = await redis.ProbeAsync(CancellationToken.None);
        Assert.Equal("Redis connection failed", result.Error);
        Assert.True(result.LatencyMs < 500);
    }

    [Fact]
    public async Task Keys_and_channels_carry_the_environment_prefix()
    {
        await using var server = await RedisServer.StartAsync();
        await using var host = await StartAsync(server.Port, prefix: "t1:");
        var redis = await ConnectedAsync(host);
        await using var raw = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{server.Port}");
        var key = RedisKeys.AuthNonce + Guid.NewGuid().ToString("N");

        await redis.Database.StringSetAsync(key, "issued", TimeSpan.FromMinutes(1));

        Assert.Equal("issued", (string?)await raw.GetDatabase().StringGetAsync("t1:" + key));
        Assert.False(await raw.GetDatabase().KeyExistsAsync(key));
        Assert.Equal("issued", (string?)await redis.Database.StringGetAsync(key));

        var received = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        await raw.GetSubscriber().SubscribeAsync(RedisChannel.Literal("t1:allowlist"), (_, message) => received.TrySetResult(message!));
        await redis.Multiplexer!.GetSubscriber().PublishAsync(RedisChannel.Literal("allowlist"), "changed");
        Assert.Equal("changed", await received.Task.WaitAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task Eviction_policy_other_than_noeviction_is_logged()
    {
        await using var server = await RedisServer.StartAsync(maxMemoryPolicy: "allkeys-lru");
        await using var host = await StartAsync(server.Port);
        await ConnectedAsync(host);

        var warning = await host.Logs.WaitForAsync(LogEvents.RedisEvictionPolicy);

        Assert.Equal("allkeys-lru", warning.String("policy"));
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Warning, warning.Level);
    }

    [Fact]
    public void Key_prefixes_are_those_of_the_keyspace_table()
    {
        var constants = typeof(RedisKeys).GetFields()
            .ToDictionary(field => field.Name, field => (string)field.GetRawConstantValue()!);

        Assert.Equal(new Dictionary<string, string>
        {
            ["AuthNonce"] = "auth:nonce:",
            ["AuthNonceIp"] = "auth:nonce-ip:",
            ["AuthRevoked"] = "auth:revoked:",
            ["AuthWalletRevoked"] = "auth:wallet-revoked:",
            ["WsTicket"] = "ws:ticket:",
            ["WsTicketsByWallet"] = "ws:tickets-by-wallet:",
            ["RateLimit"] = "ratelimit:v2:",
            ["AgentRateLimit"] = "ratelimit:agent:",
            ["Conviction"] = "conviction:",
            ["TbaVerify"] = "tba:verify:",
        }, constants);
    }
}
