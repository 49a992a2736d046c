using System.Net;
using Dixie.Bff.Features.Auth;
using Dixie.Bff.Infrastructure.Logging;
using Dixie.Bff.Infrastructure.Redis;
using Dixie.Bff.Tests.Infrastructure;
using Dixie.Bff.Tests.Support;

namespace Dixie.Bff.Tests.Auth;

/// <summary>Spec 04 §4.4–§4.5: logout, revocation shared through Redis, and the in-process fallback.</summary>
[Trait("Category", "Security")]
public sealed class LogoutTests
{
    private static Task<HttpResponseMessage> LogoutAsync(AuthHost host, string? authorization)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/auth/logout");
        if (authorization is not null) request.Headers.TryAddWithoutValidation("Authorization", authorization);
        return host.Client.SendAsync(request);
    }

    private static async Task AssertLoggedOutAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Logout_revokes_everywhere()
    {
        var prefix = AuthHost.NewPrefix();
        var key = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        await using var a = await AuthHost.StartAsync(new() { ["DIXIE_JWT_PRIVATE_KEY"] = key }, redisPrefix: prefix);
        await using var b = await AuthHost.StartAsync(new() { ["DIXIE_JWT_PRIVATE_KEY"] = key }, redisPrefix: prefix);
        var wallet = Hardhat.NewWallet().Address;
        var issued = a.Get<TokenIssuer>().Issue(wallet);
        Assert.Equal(HttpStatusCode.OK, (await TokenTests.VerifyAsync(b, "Bearer " + issued.Token)).StatusCode);

        var response = await LogoutAsync(a, "Bearer " + issued.Token);

        await AssertLoggedOutAsync(response);
        var revoked = await a.Logs.WaitForAsync(LogEvents.TokenRevoked, l => l.String("request_id") == AuthAssert.RequestId(response));
        Assert.Equal(Redaction.Hash12(wallet), revoked.String("wallet_hash"));
        Assert.Equal("logout", revoked.String("reason"));
        await AuthAssert.TokenRejectedAsync(a, await TokenTests.VerifyAsync(a, "Bearer " + issued.Token), "revoked", issued.Token);
        // B cleared the token just before the logout and may reuse that answer for the spec's one second.
        var loggedOut = System.Diagnostics.Stopwatch.StartNew();
        var refusedAtB = await Eventually.ValueAsync(
            () => TokenTests.VerifyAsync(b, "Bearer " + issued.Token), r => r.StatusCode == HttpStatusCode.Unauthorized,
            TimeSpan.FromSeconds(1.5), last => $"B still accepted the token: {last.StatusCode}");
        Assert.True(loggedOut.Elapsed < TimeSpan.FromSeconds(1.5), $"took {loggedOut.Elapsed}");
        await AuthAssert.TokenRejectedAsync(b, refusedAtB, "revoked", issued.Token);
        // Kept until exp + 30 s.
        var ttl = await a.Redis.KeyTimeToLiveAsync(RedisKeys.AuthRevoked + issued.Jti);
        var expected = issued.ExpiresAt + TimeSpan.FromSeconds(30) - DateTimeOffset.UtcNow;
        Assert.InRange(ttl!.Value, expected - TimeSpan.FromSeconds(10), expected + TimeSpan.FromSeconds(1));

        // Idempotent, at either instance.
        await AssertLoggedOutAsync(await LogoutAsync(a, "Bearer " + issued.Token));
        await AssertLoggedOutAsync(await LogoutAsync(b, "Bearer " + issued.Token));
        Assert.DoesNotContain(a.Logs.Events(LogEvents.JwtVerificationFailed), l => l.String("error_type") != "revoked");
    }

    [Fact]
    public async Task A_cleared_token_is_checked_again_after_one_second()
    {
        await using var host = await AuthHost.StartAsync();
        var issued = host.Get<TokenIssuer>().Issue(Hardhat.NewWallet().Address);
        var start = DateTimeOffset.UtcNow;
        host.Clock.Set(start);
        Assert.Equal(HttpStatusCode.OK, (await TokenTests.VerifyAsync(host, "Bearer " + issued.Token)).StatusCode);

        // Another instance's logout: only Redis knows of it.
        await host.Redis.StringSetAsync(RedisKeys.AuthRevoked + issued.Jti, "1", TimeSpan.FromMinutes(5));

        host.Clock.Set(start.AddMilliseconds(900));
        Assert.Equal(HttpStatusCode.OK, (await TokenTests.VerifyAsync(host, "Bearer " + issued.Token)).StatusCode);
        host.Clock.Set(start.AddSeconds(1));
        await AuthAssert.TokenRejectedAsync(host, await TokenTests.VerifyAsync(host, "Bearer " + issued.Token), "revoked", issued.Token);
    }

    [Fact]
    public async Task Logout_needs_a_valid_bearer()
    {
        await using var host = await AuthHost.StartAsync();

        var missing = await LogoutAsync(host, null);
        Assert.Equal(HttpStatusCode.Unauthorized, missing.StatusCode);
        Assert.Equal("""{"error":"unauthorized","message":"Bearer token required"}""", await missing.Content.ReadAsStringAsync());

        var expired = TestJwt.Hs256(TestJwt.Claims(Hardhat.NewWallet().Address, DateTimeOffset.UtcNow.AddHours(-2)),
            System.Text.Encoding.UTF8.GetBytes(host.Host.Environment["DIXIE_JWT_PRIVATE_KEY"]!));
        await AuthAssert.TokenRejectedAsync(host, await LogoutAsync(host, "Bearer " + expired), "expired", expired);
    }

    [Fact]
    public async Task Revocation_falls_back_when_redis_down()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var host = await AuthHost.StartAsync(redisUrl: redis.Url);
        var issuer = host.Get<TokenIssuer>();
        var kept = issuer.Issue(Hardhat.NewWallet().Address);
        var loggedOut = issuer.Issue(Hardhat.NewWallet().Address);
        var removedWallet = Hardhat.NewWallet().Address;
        var removed = issuer.Issue(removedWallet);

        await redis.StopAsync();
        await Eventually.TrueAsync(() => !host.Get<RedisConnection>().IsConnected, what: "the disconnect");

        Assert.Equal(HttpStatusCode.OK, (await TokenTests.VerifyAsync(host, "Bearer " + kept.Token)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await TokenTests.VerifyAsync(host, "Bearer " + kept.Token)).StatusCode);
        await AssertLoggedOutAsync(await LogoutAsync(host, "Bearer " + loggedOut.Token));
        await host.Get<RevocationStore>().RevokeWalletAsync(removedWallet, CancellationToken.None);
        await AuthAssert.TokenRejectedAsync(host, await TokenTests.VerifyAsync(host, "Bearer " + loggedOut.Token), "revoked", loggedOut.Token);
        await AuthAssert.TokenRejectedAsync(host, await TokenTests.VerifyAsync(host, "Bearer " + removed.Token), "revoked", removed.Token);

        var unavailable = Assert.Single(host.Logs.Events(LogEvents.RevocationStoreUnavailable));
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Error, unavailable.Level);
        Assert.Equal(2, host.Get<RevocationRetryQueue>().PendingCount);
        var metrics = await host.Client.GetStringAsync("/metrics");
        Assert.Matches(@"(?m)^dixie_auth_revocation_fallback_total(\{[^}]*\})? [1-9]", metrics);

        await redis.StartAgainAsync();
        await Eventually.TrueAsync(() => host.Get<RedisConnection>().IsConnected, TimeSpan.FromSeconds(15), "the reconnect");
        // The queue retries every 5 s.
        await Eventually.TrueAsync(() => host.Get<RevocationRetryQueue>().PendingCount == 0, TimeSpan.FromSeconds(12), "the queued writes");
        Assert.True(await host.Redis.KeyExistsAsync(RedisKeys.AuthRevoked + loggedOut.Jti));
        var watermark = (long)await host.Redis.StringGetAsync(RedisKeys.AuthWalletRevoked + removedWallet);
        Assert.InRange(watermark, DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 30, DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 1);
        Assert.Equal(HttpStatusCode.OK, (await TokenTests.VerifyAsync(host, "Bearer " + kept.Token)).StatusCode);
    }
}
