using System.Net;
using System.Text.Json;
using Dixie.Bff.Infrastructure.Logging;
using Dixie.Bff.Infrastructure.Redis;
using Dixie.Bff.Tests.Auth;
using Dixie.Bff.Tests.Infrastructure;
using Dixie.Bff.Tests.Support;

namespace Dixie.Bff.Tests.Faults;

/// <summary>
/// Spec 13 F4 on one instance through one outage: the limiter falls back and says so once, strict
/// sign-in refuses rather than accept nonces it cannot check, health reads degraded, and all of it
/// comes back when Redis does. Each behaviour also has its own focused test (RateLimiting, Auth/NonceTests, Health).
/// </summary>
[Trait("Category", "Faults")]
public sealed class RedisOutageTests
{
    private const string StoreUnavailable = """{"error":"nonce_store_unavailable","message":"Sign-in temporarily unavailable"}""";

    [Fact]
    public async Task Redis_stopped_falls_back_refuses_strict_sign_in_degrades_health_and_recovers()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var host = await AuthHost.StartAsync(new()
        {
            ["DIXIE_RATE_LIMIT_BACKEND"] = "redis",
            ["DIXIE_RATE_LIMIT_RPM"] = "1000",
            ["DIXIE_SIWE_NONCE_MODE"] = "strict",
        }, redisUrl: redis.Url);
        host.Allow(Hardhat.Account0.Address);
        var signed = new SiweText { IssuedAt = DateTimeOffset.UtcNow, Nonce = await NonceTests.IssueAsync(host) };
        await WaitForRedisStatusAsync(host, "healthy");

        await redis.StopAsync();
        await Eventually.TrueAsync(() => !host.Get<RedisConnection>().IsConnected, what: "the disconnect");

        // The limiter keeps limiting in process: every /api answer still carries its headers.
        for (var i = 0; i < 5; i++)
        {
            using var limited = await host.Client.GetAsync("/api/sessions");
            Assert.Equal(HttpStatusCode.Unauthorized, limited.StatusCode);
            Assert.True(limited.Headers.Contains("X-RateLimit-Remaining"));
        }
        Assert.Single(host.Logs.Events(LogEvents.RateLimitRedisFallback));

        using (var nonce = await host.Client.GetAsync("/api/auth/nonce"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, nonce.StatusCode);
            Assert.Equal(StoreUnavailable, await nonce.Content.ReadAsStringAsync());
        }
        using (var signIn = await host.SignInAsync(signed))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, signIn.StatusCode);
            Assert.Equal(StoreUnavailable, await signIn.Content.ReadAsStringAsync());
        }
        var degraded = await WaitForRedisStatusAsync(host, "unreachable");
        Assert.Equal("degraded", degraded.GetProperty("status").GetString());

        await redis.StartAgainAsync();
        await Eventually.TrueAsync(() => host.Get<RedisConnection>().IsConnected, TimeSpan.FromSeconds(15), "the reconnect");
        Assert.Equal("healthy", (await WaitForRedisStatusAsync(host, "healthy")).GetProperty("status").GetString());
        await AuthAssert.SignedInAsync(await host.SignInAsync(signed with { Nonce = await NonceTests.IssueAsync(host) }));
        // Past the 5 s back-off the limiter goes back to Redis, and says so.
        await Eventually.ValueAsync(() => host.Client.GetAsync("/api/sessions"),
            _ => host.Logs.Events(LogEvents.RateLimitRedisRecovered).Count > 0, TimeSpan.FromSeconds(15),
            _ => "no rate_limit_redis_recovered line:\n" + host.Logs.AllText);
        Assert.Single(host.Logs.Events(LogEvents.RateLimitRedisFallback));
    }

    [Fact]
    public async Task Redis_answering_with_an_error_is_an_unavailable_nonce_store_not_a_500()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var host = await AuthHost.StartAsync(new() { ["DIXIE_SIWE_NONCE_MODE"] = "strict" }, redisUrl: redis.Url);
        await Eventually.TrueAsync(() => host.Get<RedisConnection>().IsConnected, TimeSpan.FromSeconds(15), "the connection");
        await NonceTests.IssueAsync(host);

        // Reachable but answering errors (as during LOADING, after a failover's READONLY, or here a
        // WRONGTYPE): the client's per-IP index is replaced by a string.
        await using (var admin = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{redis.Port},allowAdmin=true"))
        {
            var database = admin.GetDatabase();
            var key = ((StackExchange.Redis.RedisResult[])(await database.ExecuteAsync("KEYS", "*" + RedisKeys.AuthNonceIp + "*"))!).Single().ToString();
            await database.StringSetAsync(key, "not a sorted set");
        }

        using var nonce = await host.Client.GetAsync("/api/auth/nonce");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, nonce.StatusCode);
        Assert.Equal(StoreUnavailable, await nonce.Content.ReadAsStringAsync());
    }

    private static Task<JsonElement> WaitForRedisStatusAsync(AuthHost host, string status) =>
        Eventually.ValueAsync(
            async () => JsonDocument.Parse(await host.Client.GetStringAsync("/api/health")).RootElement,
            b => b.GetProperty("infrastructure").GetProperty("redis").GetProperty("status").GetString() == status,
            TimeSpan.FromSeconds(20),
            last => "health never showed redis " + status + "; last: " + last.GetRawText());
}
