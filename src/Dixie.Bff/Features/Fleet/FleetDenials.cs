using System.Globalization;

namespace Dixie.Bff.Features.Fleet;

/// <summary>The 403 `spawn_denied` body of spec 07 §3.4, with the real count read under the lock.</summary>
public static class FleetDenials
{
    public const string TierNotPermitted = "tier_not_permitted";
    public const string TierLimitExceeded = "tier_limit_exceeded";

    public static SpawnDenial Build(IFleetTiers tiers, string op, FleetTier tier, int activeCount)
    {
        var notPermitted = tier.Limit == 0;
        var next = tiers.LowestAbove(activeCount);
        var reason = notPermitted
            ? $"tier {tier.Name} is not permitted to spawn agents (limit 0)"
            : $"active count ({activeCount}) has reached tier limit ({tier.Limit})";
        string hint;
        if (notPermitted)
        {
            hint = next is null
                ? $"Tier {tier.Name} cannot spawn fleet agents."
                : $"Tier {tier.Name} cannot spawn fleet agents; {next.Name} ({Bgt(next)} BGT staked) allows {next.Limit} concurrent task(s).";
        }
        else
        {
            hint = $"{activeCount} of {tier.Limit} concurrent tasks in use; stop or finish a task"
                + (next is null ? "." : $", or reach {next.Name} ({Bgt(next)} BGT staked) for {next.Limit}.");
        }
        return new SpawnDenial("spawn_denied", $"Spawn denied for operator {op}: {reason}", tier.Name, activeCount, tier.Limit,
            notPermitted ? TierNotPermitted : TierLimitExceeded,
            new EvaluationGap(new GapCurrent(tier.Name, activeCount), new GapRequired(tier.Limit, next?.Name), hint));
    }

    private static string Bgt(FleetTier tier) => tier.MinimumBgt.ToString("0.##########", CultureInfo.InvariantCulture);
}
