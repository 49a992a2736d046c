using Dixie.Bff.Features.Agents.Conviction;

namespace Dixie.Bff.Features.Fleet;

/// <summary>The product's tiers for admission: the conviction table of spec 07 §1.1 and the resolver of §1.2.</summary>
public sealed class ConvictionFleetTiers(ConvictionResolver resolver) : IFleetTiers
{
    public IReadOnlyList<FleetTier> All { get; } = [.. ConvictionTier.All.Select(Of)];

    public async Task<FleetTier> ResolveAsync(string wallet, CancellationToken ct) => Of((await resolver.ResolveAsync(wallet, ct)).Tier);

    public async Task<FleetTier> ResolveCallerAsync(HttpContext context, string wallet) =>
        await RequestConviction.OfAsync(context) is { } memo ? Of(memo.Tier) : await ResolveAsync(wallet, context.RequestAborted);

    private static FleetTier Of(ConvictionTier tier) => new(tier.Name, tier.Index, tier.MinimumBgt, tier.FleetConcurrentLimit);
}
