using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Dixie.Bff.Features.Auth;
using Dixie.Bff.Infrastructure.Redis;
using Dixie.Bff.Tests.Infrastructure;
using Dixie.Bff.Tests.Support;

namespace Dixie.Bff.Tests.Auth;

/// <summary>Spec 04 §2: `GET /api/auth/nonce` with Redis, without it, and with Redis down.</summary>
public sealed partial class NonceTests
{
    private const string StoreUnavailableBody = """{"error":"nonce_store_unavailable","message":"Sign-in temporarily unavailable"}""";

    /// <summary>A nonce from the endpoint, as a client gets it.</summary>
    public static async Task<string> IssueAsync(AuthHost host, string? clientIp = null)
    {
        var response = await RequestAsync(host, clientIp);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("nonce").GetString()!;
    }

    private static Task<HttpResponseMessage> RequestAsync(AuthHost host, string? clientIp = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/auth/nonce");
        if (clientIp is not null) request.Headers.Add("X-Forwarded-For", clientIp);
        return host.Client.SendAsync(request);
    }

    /// <summary>Trusts the test client as a proxy, so each test can speak for a client address of its own.</summary>
    private static Dictionary<string, string?> BehindProxy() => new() { ["DIXIE_TRUSTED_PROXIES"] = "127.0.0.1" };

    private static string NewClientIp() => $"198.51.100.{Random.Shared.Next(1, 255)}";

    [Fact]
    public async Task Nonce_has_32_alphanumeric_chars_and_300s_lifetime()
    {
        await using var host = await AuthHost.StartAsync();

        var response = await RequestAsync(host);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        var nonce = body.GetProperty("nonce").GetString()!;
        Assert.Matches(new Regex("^[A-Za-z0-9]{32}$"), nonce);
        var issuedAt = body.GetProperty("issuedAt").GetString()!;
        var expiresAt = body.GetProperty("expiresAt").GetString()!;
        Assert.Matches(new Regex(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$"), issuedAt);
        Assert.Equal(TimeSpan.FromSeconds(300), DateTimeOffset.Parse(expiresAt) - DateTimeOffset.Parse(issuedAt));

        var ttl = await host.Redis.KeyTimeToLiveAsync(RedisKeys.AuthNonce + nonce);
        Assert.InRange(ttl!.Value, TimeSpan.FromSeconds(290), TimeSpan.FromSeconds(300));
        var stored = JsonDocument.Parse((string)(await host.Redis.StringGetAsync(RedisKeys.AuthNonce + nonce))!).RootElement;
        Assert.Equal("127.0.0.1", stored.GetProperty("ip").GetString());
        Assert.Equal(DateTimeOffset.Parse(issuedAt).ToUnixTimeMilliseconds(), stored.GetProperty("issuedAt").GetInt64());
        var indexTtl = await host.Redis.KeyTimeToLiveAsync(RedisKeys.AuthNonceIp + "127.0.0.1");
        Assert.InRange(indexTtl!.Value, TimeSpan.FromSeconds(290), TimeSpan.FromSeconds(300));
        Assert.NotNull(await host.Redis.SortedSetScoreAsync(RedisKeys.AuthNonceIp + "127.0.0.1", nonce));
    }

    [Fact]
    public async Task Twenty_first_outstanding_nonce_per_ip_is_429()
    {
        await using var host = await AuthHost.StartAsync(BehindProxy());
        host.Allow(Hardhat.Account0.Address);
        var client = NewClientIp();

        var nonces = new List<string>();
        for (var i = 0; i < 20; i++) nonces.Add(await IssueAsync(host, client));
        var refused = await RequestAsync(host, client);

        await AssertRefusedAsync(refused);
        // Another client is not affected.
        await IssueAsync(host, "203.0.113.9");

        // Consuming one frees its slot.
        await AuthAssert.SignedInAsync(await host.SignInAsync(new SiweText { IssuedAt = host.Clock.GetUtcNow(), Nonce = nonces[7] }));
        Assert.Null(await host.Redis.SortedSetScoreAsync(RedisKeys.AuthNonceIp + client, nonces[7]));
        await IssueAsync(host, client);
        await AssertRefusedAsync(await RequestAsync(host, client));
    }

    [Fact]
    public async Task Nonce_endpoint_without_redis_uses_process_store()
    {
        await using var host = await AuthHost.StartAsync(BehindProxy(), redisUrl: "");
        host.Allow(Hardhat.Account0.Address);
        Assert.False(host.Get<RedisConnection>().IsConfigured);
        var client = NewClientIp();

        var nonce = await IssueAsync(host, client);
        var message = new SiweText { IssuedAt = host.Clock.GetUtcNow(), Nonce = nonce };
        await AuthAssert.SignedInAsync(await host.SignInAsync(message));
        await AuthAssert.SiweRejectedAsync(host, await host.SignInAsync(message), "nonce_not_found");
        await AuthAssert.SiweRejectedAsync(host, await host.SignInAsync(message with { Nonce = SiweText.NewNonce() }), "nonce_not_found");

        for (var i = 0; i < 20; i++) await IssueAsync(host, client);
        await AssertRefusedAsync(await RequestAsync(host, client));
        Assert.Equal(20, host.Get<MemoryNonces>().OutstandingCount);
    }

    [Trait("Category", "Faults")]
    [Trait("Category", "Security")]
    [Fact]
    public async Task Nonce_store_down_is_503()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var host = await AuthHost.StartAsync(redisUrl: redis.Url);
        host.Allow(Hardhat.Account0.Address);
        var message = new SiweText { IssuedAt = host.Clock.GetUtcNow(), Nonce = await IssueAsync(host) };

        await redis.StopAsync();
        await Eventually.TrueAsync(() => !host.Get<RedisConnection>().IsConnected, what: "the disconnect");

        var nonce = await RequestAsync(host);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, nonce.StatusCode);
        Assert.Equal(StoreUnavailableBody, await nonce.Content.ReadAsStringAsync());
        var signIn = await host.SignInAsync(message);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, signIn.StatusCode);
        Assert.Equal(StoreUnavailableBody, await signIn.Content.ReadAsStringAsync());

        // Redis comes back empty (no persistence): sign-in works again with a new nonce.
        await redis.StartAgainAsync();
        await Eventually.TrueAsync(() => host.Get<RedisConnection>().IsConnected, TimeSpan.FromSeconds(15), "the reconnect");
        await AuthAssert.SignedInAsync(await host.SignInAsync(message with { Nonce = await IssueAsync(host) }));
    }

    [Fact]
    public async Task Nonce_issued_by_instance_A_is_consumed_at_B_once()
    {
        var prefix = AuthHost.NewPrefix();
        await using var a = await AuthHost.StartAsync(redisPrefix: prefix);
        await using var b = await AuthHost.StartAsync(redisPrefix: prefix);
        a.Allow(Hardhat.Account0.Address);
        b.Allow(Hardhat.Account0.Address);
        var message = new SiweText { IssuedAt = DateTimeOffset.UtcNow, Nonce = await IssueAsync(a) };

        await AuthAssert.SignedInAsync(await b.SignInAsync(message));

        await AuthAssert.SiweRejectedAsync(a, await a.SignInAsync(message), "nonce_not_found");
        await AuthAssert.SiweRejectedAsync(b, await b.SignInAsync(message), "nonce_not_found");
    }

    private static async Task AssertRefusedAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        var retryAfter = int.Parse(response.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(retryAfter, 1, 300);
        Assert.Equal($$"""{"error":"rate_limited","message":"Too many outstanding nonces","retry_after":{{retryAfter}}}""",
            await response.Content.ReadAsStringAsync());
    }
}
