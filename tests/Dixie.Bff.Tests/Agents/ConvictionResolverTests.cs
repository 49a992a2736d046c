using System.Net;
using Dixie.Bff.Features.Agents.Conviction;
using Dixie.Bff.Infrastructure.Finn;
using Dixie.Bff.Infrastructure.Redis;
using Dixie.Bff.Tests.Allowlist;
using Dixie.Bff.Tests.Chat;
using Dixie.Bff.Tests.Support;
using StackExchange.Redis;

namespace Dixie.Bff.Tests.Agents;

/// <summary>One host with its own emulator and Redis prefix; each test uses its own wallets.</summary>
public sealed class ConvictionHostFixture : IAsyncLifetime
{
    public static readonly string AdminWallet = AllowlistTesting.NewWallet();
    public AgentHost Agents { get; private set; } = null!;

    public async Task InitializeAsync() =>
        Agents = await AgentHost.StartAsync(new() { ["DIXIE_ADMIN_WALLETS"] = AdminWallet.ToLowerInvariant(), ["DIXIE_CONVICTION_TIER_TTL"] = "120" });

    public async Task DisposeAsync() => await Agents.DisposeAsync();
}

[Trait("Category", "Security")]
public sealed class ConvictionResolverTests(ConvictionHostFixture fixture) : IClassFixture<ConvictionHostFixture>
{
    private AgentHost Agents => fixture.Agents;
    private ConvictionResolver Resolver => Agents.Host.Get<ConvictionResolver>();
    private IDatabase Redis => Agents.Host.Get<RedisConnection>().Database;
    private const string StakingCounter = "GET /api/conviction/{wallet}/staking";

    [Fact]
    public async Task Admin_wallet_is_sovereign_without_calling_finn()
    {
        var before = await Agents.Emulator.Admin.CounterAsync(StakingCounter);
        var result = await Resolver.ResolveAsync(ConvictionHostFixture.AdminWallet, default);
        Assert.Equal(("sovereign", "admin", 0.0), (result.TierName, result.Source, result.BgtStaked));
        Assert.Equal(before, await Agents.Emulator.Admin.CounterAsync(StakingCounter));
    }

    [Fact]
    public async Task No_or_invalid_wallet_is_observer()
    {
        Assert.Equal(("observer", "default"), ((await Resolver.ResolveAsync(null, default)).TierName, (await Resolver.ResolveAsync(null, default)).Source));
        Assert.Equal("observer", (await Resolver.ResolveAsync("0x123", default)).TierName);
    }

    [Fact]
    public async Task Staking_result_is_cached_under_checksummed_key()
    {
        var wallet = AllowlistTesting.NewWallet();
        await Agents.Emulator.SetStakingAsync(wallet, "250.5");
        var result = await Resolver.ResolveAsync(wallet.ToLowerInvariant(), default);
        Assert.Equal(("builder", "freeside", 250.5), (result.TierName, result.Source, result.BgtStaked));
        var ttl = await Redis.KeyTimeToLiveAsync(RedisKeys.Conviction + wallet);
        Assert.InRange(ttl!.Value.TotalSeconds, 100, 120);

        var calls = await Agents.Emulator.Admin.CounterAsync(StakingCounter);
        var again = await Resolver.ResolveAsync(wallet, default);
        Assert.Equal(("builder", "freeside"), (again.TierName, again.Source));
        Assert.NotNull(again.CachedAt);
        Assert.Equal(calls, await Agents.Emulator.Admin.CounterAsync(StakingCounter));
    }

    [Fact]
    public async Task Allowlisted_wallet_without_staking_is_architect()
    {
        var result = await Resolver.ResolveAsync(Agents.CallerWallet, default);
        Assert.Equal(("architect", "legacy_allowlist"), (result.TierName, result.Source));
        Assert.True(await Redis.KeyExistsAsync(RedisKeys.Conviction + Agents.CallerWallet));
    }

    [Fact]
    public async Task Unknown_wallet_is_observer_and_not_cached()
    {
        var wallet = AllowlistTesting.NewWallet();
        var result = await Resolver.ResolveAsync(wallet, default);
        Assert.Equal(("observer", "default"), (result.TierName, result.Source));
        Assert.False(await Redis.KeyExistsAsync(RedisKeys.Conviction + wallet));
    }

    [Fact]
    public async Task Allowlist_change_invalidates_conviction_cache()
    {
        var wallet = AllowlistTesting.NewWallet();
        Assert.Equal(HttpStatusCode.Created, (await Agents.Host.AddAsync("wallet", wallet)).StatusCode);
        Assert.Equal("architect", (await Resolver.ResolveAsync(wallet, default)).TierName);
        Assert.True(await Redis.KeyExistsAsync(RedisKeys.Conviction + wallet));

        Assert.Equal(HttpStatusCode.OK, (await Agents.Host.RemoveAsync(wallet)).StatusCode);
        Assert.False(await Redis.KeyExistsAsync(RedisKeys.Conviction + wallet));
        Assert.Equal("observer", (await Resolver.ResolveAsync(wallet, default)).TierName);
    }

    [Fact]
    public async Task Conviction_tier_header_on_authenticated_responses_only()
    {
        using var wallet = await Agents.Client.GetAsync("/api/sessions");
        Assert.Equal("architect", wallet.Headers.GetValues("X-Conviction-Tier").Single());
        using var key = await Agents.KeyClient().GetAsync("/api/sessions");
        Assert.Equal("observer", key.Headers.GetValues("X-Conviction-Tier").Single());

        using var anonymous = await Agents.Host.Client.GetAsync("/api/sessions");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.False(anonymous.Headers.Contains("X-Conviction-Tier"));
        using var health = await Agents.Client.GetAsync("/api/health");
        Assert.False(health.Headers.Contains("X-Conviction-Tier"));
    }

    [Fact]
    public async Task Conviction_headers_from_client_are_ignored()
    {
        var wallet = AllowlistTesting.NewWallet();
        Assert.Equal(HttpStatusCode.Created, (await Agents.Host.AddAsync("wallet", wallet)).StatusCode);
        await Agents.Emulator.SetStakingAsync(wallet, 5);
        using var client = Agents.ClientFor(wallet);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/sessions");
        request.Headers.Add("x-conviction-tier", "sovereign");
        request.Headers.Add("x-operator-tier", "sovereign");
        using var response = await client.SendAsync(request);
        Assert.Equal("participant", response.Headers.GetValues("X-Conviction-Tier").Single());
    }
}

/// <summary>Breaker interplay needs an emulator whose faults no other test sees.</summary>
[Trait("Category", "Faults")]
public sealed class ConvictionBreakerTests
{
    private const string StakingCounter = "GET /api/conviction/{wallet}/staking";

    [Fact]
    public async Task Staking_failures_never_open_the_breaker()
    {
        await using var agents = await AgentHost.StartAsync();
        var resolver = agents.Host.Get<ConvictionResolver>();
        var unknown = AllowlistTesting.NewWallet();
        for (var i = 0; i < 20; i++) await resolver.ResolveAsync(AllowlistTesting.NewWallet(), default);
        await agents.Emulator.Admin.SetFaultAsync("error", status: 500, path: "/api/conviction");
        for (var i = 0; i < 20; i++) Assert.Equal("observer", (await resolver.ResolveAsync(unknown, default)).TierName);
        // The allowlist fallback after a transient failure is answered but not cached.
        var listed = await resolver.ResolveAsync(agents.CallerWallet, default);
        Assert.Equal(("architect", "legacy_allowlist"), (listed.TierName, listed.Source));
        Assert.False(await agents.Host.Get<RedisConnection>().Database.KeyExistsAsync(RedisKeys.Conviction + agents.CallerWallet));

        Assert.Equal("closed", agents.Host.Get<FinnClient>().CircuitState);
        using var chat = await agents.Client.ChatAsync(ChatTesting.Berachain);
        Assert.Equal(HttpStatusCode.OK, chat.StatusCode);
    }

    [Fact]
    public async Task Staking_lookup_is_skipped_while_breaker_open()
    {
        await using var agents = await AgentHost.StartAsync();
        await agents.Emulator.Admin.SetFaultAsync("error", status: 500, path: "/api/sessions");
        for (var i = 0; i < 6 && agents.Host.Get<FinnClient>().CircuitState != "open"; i++)
            (await agents.Client.ChatAsync(ChatTesting.Berachain)).Dispose();
        Assert.Equal("open", agents.Host.Get<FinnClient>().CircuitState);

        var before = await agents.Emulator.Admin.CounterAsync(StakingCounter);
        var result = await agents.Host.Get<ConvictionResolver>().ResolveAsync(AllowlistTesting.NewWallet(), default);
        Assert.Equal("observer", result.TierName);
        Assert.Equal(before, await agents.Emulator.Admin.CounterAsync(StakingCounter));
    }

    [Fact]
    public async Task Without_redis_the_cache_is_in_process()
    {
        await using var agents = await AgentHost.StartAsync(redis: false);
        var resolver = agents.Host.Get<ConvictionResolver>();
        var wallet = AllowlistTesting.NewWallet();
        await agents.Emulator.SetStakingAsync(wallet, 20000);
        Assert.Equal(("sovereign", "freeside"), ((await resolver.ResolveAsync(wallet, default)).TierName, (await resolver.ResolveAsync(wallet, default)).Source));
        Assert.Equal(1, await agents.Emulator.Admin.CounterAsync(StakingCounter));
        await resolver.InvalidateAsync(wallet);
        await resolver.ResolveAsync(wallet, default);
        Assert.Equal(2, await agents.Emulator.Admin.CounterAsync(StakingCounter));
    }

    [Fact]
    public async Task Redis_down_falls_back_to_the_in_process_cache_and_logs_once()
    {
        await using var agents = await AgentHost.StartAsync(new() { ["REDIS_URL"] = "redis://127.0.0.1:1" }, redis: false);
        var resolver = agents.Host.Get<ConvictionResolver>();
        var wallet = AllowlistTesting.NewWallet();
        await agents.Emulator.SetStakingAsync(wallet, 1);
        for (var i = 0; i < 3; i++) Assert.Equal("participant", (await resolver.ResolveAsync(wallet, default)).TierName);
        Assert.Equal(1, await agents.Emulator.Admin.CounterAsync(StakingCounter));
        Assert.Single(agents.Host.Logs.Events("conviction_cache_unavailable"));
    }
}
