using System.Net.Http.Headers;
using Dixie.Bff.Features.Auth;
using Dixie.Bff.Infrastructure.Redis;
using Dixie.Bff.Tests.Allowlist;
using Dixie.Bff.Tests.Auth;
using Dixie.Bff.Tests.Infrastructure;
using Dixie.Bff.Tests.Support;

namespace Dixie.Bff.Tests.Streaming;

/// <summary>
/// A dixie-bff whose allowlist lists <see cref="Wallet"/> and <see cref="ApiKey"/>, with Redis (the
/// shared server under a prefix of its own unless one is given) and the SSE stand-in route of <see cref="StreamHost"/>.
/// </summary>
public sealed class WsHost : IAsyncDisposable
{
    private WsHost(DixieHost host, string wallet, string apiKey, string prefix)
    {
        Host = host;
        Wallet = wallet;
        ApiKey = apiKey;
        Prefix = prefix;
    }

    public DixieHost Host { get; }
    public string Wallet { get; }
    public string ApiKey { get; }
    public string Prefix { get; }

    public static async Task<WsHost> StartAsync(string finnUrl, Dictionary<string, string?>? environment = null,
        string? prefix = null, string? wallet = null, bool redis = true, string? databaseUrl = null)
    {
        wallet ??= AllowlistTesting.NewWallet();
        var apiKey = AllowlistTesting.NewApiKey();
        prefix ??= AuthHost.NewPrefix();
        var path = AllowlistTesting.NewPath();
        AllowlistTesting.Write(path, AllowlistTesting.FileWith([wallet], [AllowlistTesting.Digest(apiKey)]));
        var options = new DixieHostOptions
        {
            FinnUrl = finnUrl,
            DatabaseUrl = databaseUrl,
            Environment =
            {
                ["DIXIE_ALLOWLIST_PATH"] = path,
                ["REDIS_URL"] = redis ? (await SharedServers.GetAsync()).Redis.Url : null,
                ["DIXIE_REDIS_PREFIX"] = prefix,
                ["DIXIE_RATE_LIMIT_RPM"] = "1000000",
            },
        };
        foreach (var (name, value) in environment ?? []) options.Environment[name] = value;
        var host = await DixieHost.StartAsync(options);
        var connection = host.Get<RedisConnection>();
        if (connection.IsConfigured && environment?.ContainsKey("REDIS_URL") != true) await Eventually.TrueAsync(() => connection.IsConnected, TimeSpan.FromSeconds(15), "the Redis connection");
        return new WsHost(host, wallet, apiKey, prefix);
    }

    public string Token() => Host.Get<TokenIssuer>().Issue(Wallet).Token;

    public Task<HttpResponseMessage> PostTicketAsync(string bearer)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/ws/ticket");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        return Host.Client.SendAsync(request);
    }

    /// <summary>A fresh ticket for the host's wallet.</summary>
    public async Task<string> TicketAsync(string? bearer = null)
    {
        var response = await PostTicketAsync(bearer ?? Token());
        response.EnsureSuccessStatusCode();
        return System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("ticket").GetString()!;
    }

    /// <summary>A session created at finn directly and recorded as the wallet's.</summary>
    public async Task<string> SessionAsync(string finnUrl)
    {
        using var finn = DixieHost.CreateClient(new Uri(finnUrl.TrimEnd('/') + "/"));
        var created = await finn.PostAsync("api/sessions", new StringContent("{}", System.Text.Encoding.UTF8, "application/json"));
        created.EnsureSuccessStatusCode();
        var sessionId = System.Text.Json.JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("sessionId").GetString()!;
        Assert.True(await Host.Get<Dixie.Bff.Features.Chat.ChatSessionStore>().CreateAsync(sessionId, Owner, CancellationToken.None));
        return sessionId;
    }

    public Dixie.Bff.Features.Chat.ChatOwner Owner => new(Wallet, Dixie.Bff.Infrastructure.Outbox.CallerKind.Wallet);

    public async Task<int> MessageCountAsync(string sessionId) =>
        (await Host.Get<Dixie.Bff.Features.Chat.ChatSessionStore>().FindOwnedAsync(sessionId, Owner, CancellationToken.None))!.MessageCount;

    public ValueTask DisposeAsync() => Host.DisposeAsync();
}
