namespace Dixie.Bff.Features.Fleet;

/// <summary>One conviction tier as admission sees it: its rank, its BGT threshold and its concurrent-task limit.</summary>
public sealed record FleetTier(string Name, int Index, double MinimumBgt, int Limit);

/// <summary>
/// The conviction tiers admission needs (spec 07 §1): the tier table and the resolver's answer for an
/// operator. The product adapts the conviction resolver; tests may pin tiers per wallet.
/// </summary>
public interface IFleetTiers
{
    /// <summary>Ascending by index.</summary>
    IReadOnlyList<FleetTier> All { get; }

    Task<FleetTier> ResolveAsync(string wallet, CancellationToken ct);

    /// <summary>The signed-in caller's tier; the product reuses the value memoised on the request (spec 07 §1.3).</summary>
    Task<FleetTier> ResolveCallerAsync(HttpContext context, string wallet) => ResolveAsync(wallet, context.RequestAborted);
}

public static class FleetTierExtensions
{
    public static FleetTier? Named(this IFleetTiers tiers, string? name) => tiers.All.FirstOrDefault(t => t.Name == name);

    /// <summary>The lowest tier whose limit is greater than <paramref name="activeCount"/>, or null (a sovereign holding 10).</summary>
    public static FleetTier? LowestAbove(this IFleetTiers tiers, int activeCount) => tiers.All.FirstOrDefault(t => t.Limit > activeCount);
}
