using System.Net;
using System.Security.Cryptography;
using Dixie.Bff.Features.Auth;
using Dixie.Bff.Infrastructure.Redis;
using Dixie.Bff.Tests.Allowlist;
using Dixie.Bff.Tests.Auth;
using Dixie.Bff.Tests.Infrastructure;
using Dixie.Bff.Tests.RateLimiting;
using Dixie.Bff.Tests.Support;

namespace Dixie.Bff.Tests.Security;

/// <summary>
/// Spec 13 §3 "Rate limits" for an authenticated identity: one wallet's budget is one budget across
/// two instances sharing Redis, and it is the wallet's, not the address's (the per-IP case is in
/// RateLimiting/RedisRateLimitTests).
/// </summary>
[Trait("Category", "Security")]
public sealed class SharedIdentityLimitTests
{
    [Fact]
    public async Task A_wallet_limit_holds_across_two_instances_sharing_redis()
    {
        var redis = (await SharedServers.GetAsync()).Redis.Url;
        var prefix = AuthHost.NewPrefix();
        // Same signing key, so a token issued by one instance is valid at the other.
        var jwtKey = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        Task<DixieHost> StartAsync() => DixieHost.StartAsync(new DixieHostOptions
        {
            Environment =
            {
                ["REDIS_URL"] = redis,
                ["DIXIE_REDIS_PREFIX"] = prefix,
                ["DIXIE_RATE_LIMIT_BACKEND"] = "redis",
                ["DIXIE_RATE_LIMIT_RPM"] = "4",
                ["DIXIE_JWT_PRIVATE_KEY"] = jwtKey,
            },
        });
        await using var a = await StartAsync();
        await using var b = await StartAsync();
        await Eventually.TrueAsync(() => a.Get<RedisConnection>().IsConnected && b.Get<RedisConnection>().IsConnected, TimeSpan.FromSeconds(15), "the Redis connections");
        var token = a.Get<TokenIssuer>().Issue(AllowlistTesting.NewWallet()).Token;
        void Bearer(System.Net.Http.Headers.HttpRequestHeaders headers) => headers.Authorization = new("Bearer", token);

        var remaining = new List<string?>();
        foreach (var host in new[] { a, b, a, b }) remaining.Add((await host.GetAsync("/api/sessions", Bearer)).Header("X-RateLimit-Remaining"));
        var refusedAtA = await a.GetAsync("/api/sessions", Bearer);
        var refusedAtB = await b.GetAsync("/api/sessions", Bearer);
        // The address the wallet called from still has its own, untouched budget.
        var anonymous = await a.GetAsync("/api/sessions");

        Assert.Equal(["3", "2", "1", "0"], remaining);
        await ErrorAssert.IsErrorAsync(refusedAtA, HttpStatusCode.TooManyRequests, "rate_limited");
        await ErrorAssert.IsErrorAsync(refusedAtB, HttpStatusCode.TooManyRequests, "rate_limited");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal("3", anonymous.Header("X-RateLimit-Remaining"));
    }
}
