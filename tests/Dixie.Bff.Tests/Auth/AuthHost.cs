using System.Net.Http.Json;
using Dixie.Bff.Features.Allowlist;
using Dixie.Bff.Infrastructure.Redis;
using Dixie.Bff.Tests.Infrastructure;
using Dixie.Bff.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace Dixie.Bff.Tests.Auth;

/// <summary>
/// A dixie-bff for the auth suites: a settable clock, Redis (the shared server under a key prefix
/// of its own unless told otherwise) and helpers to seed nonces, list wallets and sign in.
/// </summary>
public sealed class AuthHost : IAsyncDisposable
{
    private AuthHost(DixieHost host, TestClock clock)
    {
        Host = host;
        Clock = clock;
    }

    public DixieHost Host { get; }
    public TestClock Clock { get; }
    public HttpClient Client => Host.Client;
    public LogCapture Logs => Host.Logs;
    public T Get<T>() where T : notnull => Host.Get<T>();

    /// <summary>Without Redis when <paramref name="redisUrl"/> is "" (the in-process stores).</summary>
    public static async Task<AuthHost> StartAsync(
        Dictionary<string, string?>? environment = null, string? redisUrl = null, string? redisPrefix = null, Action<IServiceCollection>? services = null)
    {
        var clock = new TestClock();
        redisUrl ??= (await SharedServers.GetAsync()).Redis.Url;
        var options = new DixieHostOptions
        {
            Environment =
            {
                ["REDIS_URL"] = redisUrl.Length == 0 ? null : redisUrl,
                ["DIXIE_REDIS_PREFIX"] = redisPrefix ?? NewPrefix(),
                // Suites send bursts from one address; the general limiter is not what they test.
                ["DIXIE_RATE_LIMIT_RPM"] = "1000000",
            },
            ConfigureServices = collection =>
            {
                collection.AddSingleton<TimeProvider>(clock);
                services?.Invoke(collection);
            },
        };
        foreach (var (name, value) in environment ?? []) options.Environment[name] = value;
        var host = new AuthHost(await DixieHost.StartAsync(options), clock);
        var redis = host.Get<RedisConnection>();
        if (redis.IsConfigured) await Eventually.TrueAsync(() => redis.IsConnected, TimeSpan.FromSeconds(15), "the Redis connection");
        return host;
    }

    public static string NewPrefix() => "t" + Guid.NewGuid().ToString("N")[..12] + ":";

    public IDatabase Redis => Get<RedisConnection>().Database;

    /// <summary>Stores a nonce as if this deployment had issued it (spec 04 §9: "the test seeds auth:nonce:…").</summary>
    public Task SeedNonceAsync(string nonce) =>
        Redis.StringSetAsync(RedisKeys.AuthNonce + nonce, "{\"ip\":\"192.0.2.1\",\"issuedAt\":0}", TimeSpan.FromMinutes(5));

    public void Allow(params string[] wallets) =>
        Get<CurrentAllowlist>().Replace(new AllowlistSnapshot(wallets, [], "test"), DateTimeOffset.UtcNow);

    public Task<HttpResponseMessage> PostSiweAsync(string message, string signature) =>
        Client.PostAsJsonAsync("/api/auth/siwe", new { message, signature });

    /// <summary>Signs the message with the account and posts it.</summary>
    public Task<HttpResponseMessage> SignInAsync(SiweText message, Hardhat? signer = null)
    {
        var text = message.ToString();
        return PostSiweAsync(text, (signer ?? Hardhat.Account0).Sign(text));
    }

    /// <summary>Seeds the message's nonce, then signs in: for strict-mode tests that are not about nonces.</summary>
    public async Task<HttpResponseMessage> SeedAndSignInAsync(SiweText message, Hardhat? signer = null)
    {
        await SeedNonceAsync(message.Nonce);
        return await SignInAsync(message, signer);
    }

    public async ValueTask DisposeAsync() => await Host.DisposeAsync();
}
