using System.Security.Cryptography;
using Dixie.Bff.Features.Auth;
using Dixie.Bff.Infrastructure.Nats;
using Dixie.Bff.Tests.Allowlist;
using Dixie.Bff.Tests.Infrastructure;
using Dixie.Bff.Tests.Support;

namespace Dixie.Bff.Tests.ScaleOut;

/// <summary>
/// Two dixie-bff instances deployed the way replicas are (spec 12 §5): one database, one Redis
/// (same key prefix), one NATS, one allowlist file and one signing key; nothing else in common.
/// </summary>
internal sealed class ReplicaPair : IAsyncDisposable
{
    private ReplicaPair(DixieHost a, DixieHost b, string wallet, string apiKey) => (A, B, Wallet, ApiKey) = (a, b, wallet, apiKey);

    public DixieHost A { get; }
    public DixieHost B { get; }
    /// <summary>A wallet on the shared allowlist.</summary>
    public string Wallet { get; }
    /// <summary>An API key on the shared allowlist.</summary>
    public string ApiKey { get; }

    public static async Task<ReplicaPair> StartAsync(string? natsUrl = null)
    {
        var servers = await SharedServers.GetAsync();
        var wallet = AllowlistTesting.NewWallet();
        var apiKey = AllowlistTesting.NewApiKey();
        var path = AllowlistTesting.NewPath();
        AllowlistTesting.Write(path, AllowlistTesting.FileWith([wallet], [AllowlistTesting.Digest(apiKey)]));
        var shared = new Dictionary<string, string?>
        {
            ["DIXIE_ALLOWLIST_PATH"] = path,
            ["DIXIE_JWT_PRIVATE_KEY"] = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)),
            ["REDIS_URL"] = servers.Redis.Url,
            ["DIXIE_REDIS_PREFIX"] = $"replicas-{Guid.NewGuid():N}:",
            ["NATS_URL"] = natsUrl,
            ["DIXIE_OUTBOX_POLL_MS"] = "200",
            ["DIXIE_RATE_LIMIT_RPM"] = "1000000",
        };
        var databaseUrl = await servers.Postgres.CreateDatabaseAsync();
        var a = await DixieHost.StartAsync(new DixieHostOptions { DatabaseUrl = databaseUrl, Environment = new(shared) });
        var b = await DixieHost.StartAsync(new DixieHostOptions { DatabaseUrl = databaseUrl, Environment = new(shared) });
        if (natsUrl is not null)
        {
            foreach (var host in new[] { a, b })
                await host.Get<NatsStatus>().WaitUntilReadyAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(20));
        }
        return new ReplicaPair(a, b, wallet, apiKey);
    }

    /// <summary>A token for <see cref="Wallet"/>, issued by <paramref name="issuer"/>.</summary>
    public string TokenFrom(DixieHost issuer) => issuer.Get<TokenIssuer>().Issue(Wallet).Token;

    public async ValueTask DisposeAsync()
    {
        await A.DisposeAsync();
        await B.DisposeAsync();
    }
}
