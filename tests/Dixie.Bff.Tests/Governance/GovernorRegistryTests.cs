using Dixie.Bff.Features.Governance;

namespace Dixie.Bff.Tests.Governance;

public sealed class GovernorRegistryTests
{
    private sealed class Named(string type) : IGovernor
    {
        public string ResourceType => type;
        public Task<GovernorCheck> CheckAsync(CancellationToken cancellationToken) => Task.FromResult(new GovernorCheck(0, 0, 0, []));
    }

    [Fact]
    public void Governors_follow_the_fixed_order_then_unknown_types_in_registration_order()
    {
        var registry = new GovernorRegistry([new Named("zeta"), new Named("allowlist"), new Named("audit"), new Named("alpha"),
            new Named("fleet"), new Named("reputation")]);
        Assert.Equal(["reputation", "fleet", "audit", "allowlist", "zeta", "alpha"], registry.ResourceTypes);
    }

    [Fact]
    public void A_type_registered_twice_is_a_startup_error()
    {
        var error = Assert.Throws<InvalidOperationException>(() => new GovernorRegistry([new Named("audit"), new Named("audit")]));
        Assert.Contains("'audit' is registered twice", error.Message);
    }

    [Fact]
    public async Task Summary_is_degraded_before_the_first_snapshot_and_when_any_health_is_null()
    {
        var registry = new GovernorRegistry([new Named("audit"), new Named("allowlist")]);
        Assert.Equal("degraded", (await registry.SummaryAsync(default)).Health);

        var healthy = new GovernorCheck(1, 0, 1, [new InvariantResult("X", "x", true, "")]);
        registry.StoreSnapshot([new("audit", healthy, null), new("allowlist", healthy, null)]);
        var summary = registry.Summary();
        Assert.Equal((2, "healthy"), (summary.GovernorCount, summary.Health));
        Assert.Equal(["audit", "allowlist"], summary.ResourceTypes);

        registry.StoreSnapshot([new("audit", healthy, null), new("allowlist", null, "check timed out after 2 s")]);
        Assert.Equal("degraded", registry.Summary().Health);
    }

    [Fact]
    public void Stale_items_alone_never_degrade()
    {
        Assert.Equal("healthy", new GovernorCheck(10, 10, 1, [new InvariantResult("X", "x", true, "")]).Status);
        Assert.Equal("degraded", new GovernorCheck(10, 0, 1, [new InvariantResult("X", "x", false, "")]).Status);
    }
}
