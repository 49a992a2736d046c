using Dixie.Bff.Tests.Allowlist;
using Dixie.Bff.Tests.Support;

namespace Dixie.Bff.Tests.Fleet;

/// <summary>
/// One fleet host with the fake agent and pinned tiers. Its allowlist holds a pool of fresh wallets;
/// each test takes its own with <see cref="NewOperator"/>, so tests never share an operator.
/// </summary>
public sealed class FleetHostFixture : IAsyncLifetime
{
    private readonly Queue<string> pool = new(Enumerable.Range(0, 60).Select(_ => AllowlistTesting.NewWallet()));
    private readonly Lock gate = new();

    public PinnedTiers Tiers { get; } = new();
    public string ApiKey { get; } = TestEnvironment.NewApiKey();
    public DixieHost Host { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var path = AllowlistTesting.NewPath();
        AllowlistTesting.Write(path, AllowlistTesting.FileWith(pool, [AllowlistTesting.Digest(ApiKey)]));
        Host = await FleetTesting.StartHostAsync(pool, Tiers, new() { ["DIXIE_ALLOWLIST_PATH"] = path });
    }

    public Task DisposeAsync() => Host.DisposeAsync().AsTask();

    /// <summary>An allowlisted wallet no other test uses, resolving to <paramref name="tier"/>.</summary>
    public string NewOperator(string tier = "architect")
    {
        string wallet;
        lock (gate) wallet = pool.Dequeue();
        Tiers.Pinned[wallet] = tier;
        return wallet;
    }
}

[CollectionDefinition(Name)]
public sealed class FleetCollection : ICollectionFixture<FleetHostFixture>
{
    public const string Name = "fleet host";
}
