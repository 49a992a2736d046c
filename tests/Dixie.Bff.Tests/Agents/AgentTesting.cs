using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Dixie.Bff.Features.Auth;
using Dixie.Bff.Infrastructure.Redis;
using Dixie.Bff.Tests.Allowlist;
using Dixie.Bff.Tests.Auth;
using Dixie.Bff.Tests.Infrastructure;
using Dixie.Bff.Tests.Support;
using Dixie.Testing;

namespace Dixie.Bff.Tests.Agents;

/// <summary>
/// A dixie host on its own emulator and its own Redis prefix, whose allowlist lists one caller wallet
/// and one API key. Agents are fresh Hardhat keys signing for random TBA addresses; the emulator
/// reports the signer as the TBA owner (spec 11 §6.1), and its staking map decides the owner's tier.
/// </summary>
public sealed class AgentHost : IAsyncDisposable
{
    private AgentHost(DixieHost host, TestEmulator emulator, bool ownsEmulator, string caller, string apiKey, string prefix, string allowlistPath)
    {
        Host = host;
        Emulator = emulator;
        OwnsEmulator = ownsEmulator;
        CallerWallet = caller;
        ApiKey = apiKey;
        Prefix = prefix;
        AllowlistPath = allowlistPath;
        Client = ChatTestingClient(host, host.Get<TokenIssuer>().Issue(caller).Token);
    }

    public DixieHost Host { get; }
    public TestEmulator Emulator { get; }
    private bool OwnsEmulator { get; }
    public string CallerWallet { get; }
    public string ApiKey { get; }
    public string Prefix { get; }
    public string AllowlistPath { get; }
    /// <summary>Signed in as the allowlisted caller wallet (gate 2).</summary>
    public HttpClient Client { get; }

    public static async Task<AgentHost> StartAsync(Dictionary<string, string?>? environment = null, TestEmulator? emulator = null,
        string? prefix = null, bool redis = true, IEnumerable<string>? extraWallets = null, Action<Microsoft.Extensions.DependencyInjection.IServiceCollection>? services = null)
    {
        var ownsEmulator = emulator is null;
        emulator ??= await TestEmulator.StartAsync();
        var caller = AllowlistTesting.NewWallet();
        var apiKey = AllowlistTesting.NewApiKey();
        prefix ??= AuthHost.NewPrefix();
        var path = AllowlistTesting.NewPath();
        AllowlistTesting.Write(path, AllowlistTesting.FileWith([caller, .. extraWallets ?? []], [AllowlistTesting.Digest(apiKey)]));
        var options = new DixieHostOptions
        {
            FinnUrl = emulator.BaseUrl,
            Environment =
            {
                ["DIXIE_ALLOWLIST_PATH"] = path,
                ["REDIS_URL"] = redis ? (await SharedServers.GetAsync()).Redis.Url : null,
                ["DIXIE_REDIS_PREFIX"] = prefix,
                ["DIXIE_RATE_LIMIT_RPM"] = "1000000",
            },
            ConfigureServices = services,
        };
        foreach (var (name, value) in environment ?? []) options.Environment[name] = value;
        var host = await DixieHost.StartAsync(options);
        var connection = host.Get<RedisConnection>();
        if (redis) await Eventually.TrueAsync(() => connection.IsConnected, TimeSpan.FromSeconds(15), "the Redis connection");
        return new AgentHost(host, emulator, ownsEmulator, caller, apiKey, prefix, path);
    }

    public HttpClient ClientFor(string wallet) => ChatTestingClient(Host, Host.Get<TokenIssuer>().Issue(wallet).Token);

    public HttpClient KeyClient() => ChatTestingClient(Host, ApiKey);

    private static HttpClient ChatTestingClient(DixieHost host, string bearer)
    {
        var client = DixieHost.CreateClient(host.BaseUrl);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Host.DisposeAsync();
        if (OwnsEmulator) await Emulator.DisposeAsync();
    }
}

/// <summary>An agent: the owner's key and the TBA it signs for.</summary>
public sealed record TestAgent(Hardhat Owner, string Tba)
{
    public static TestAgent New() => new(Hardhat.NewWallet(), AllowlistTesting.NewWallet());

    public static string Now() => DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);

    /// <summary>A request with the three TBA headers signed now (or at <paramref name="timestamp"/>).</summary>
    public HttpRequestMessage Request(HttpMethod method, string path, string? timestamp = null, object? body = null)
    {
        timestamp ??= Now();
        var request = new HttpRequestMessage(method, path);
        request.Headers.Add("x-tba-address", Tba);
        request.Headers.Add("x-tba-timestamp", timestamp);
        request.Headers.Add("x-tba-signature", Owner.Sign($"dixie-agent-auth:{Tba}:{timestamp}"));
        if (body is not null) request.Content = JsonContent.Create(body);
        return request;
    }
}

internal static class EmulatorAgentAdmin
{
    /// <summary>Sets (or with null removes) a wallet's staked BGT in the emulator (spec 11 §8).</summary>
    public static async Task SetStakingAsync(this TestEmulator emulator, string wallet, object? bgtStaked)
    {
        using var http = DixieHost.CreateClient(new Uri(emulator.BaseUrl.TrimEnd('/') + "/"));
        var response = await http.PostAsJsonAsync("_emulator/staking", new Dictionary<string, object?> { ["wallet"] = wallet, ["bgtStaked"] = bgtStaked });
        response.EnsureSuccessStatusCode();
    }

    public static async Task RegisterTbaAsync(this TestEmulator emulator, string tba, string owner, string? reportedTbaAddress = null)
    {
        using var http = DixieHost.CreateClient(new Uri(emulator.BaseUrl.TrimEnd('/') + "/"));
        var body = new Dictionary<string, object?> { ["tbaAddress"] = tba, ["ownerWallet"] = owner };
        if (reportedTbaAddress is not null) body["reportedTbaAddress"] = reportedTbaAddress;
        (await http.PostAsJsonAsync("_emulator/tba", body)).EnsureSuccessStatusCode();
    }

    /// <summary>An agent whose owner stakes 1 500 BGT: architect.</summary>
    public static async Task<TestAgent> ArchitectAgentAsync(this TestEmulator emulator)
    {
        var agent = TestAgent.New();
        await emulator.SetStakingAsync(agent.Owner.Address, 1500);
        return agent;
    }
}
