namespace Dixie.Bff.Features.Agents.Conviction;

/// <summary>The trust states of spec 07 §1.1, in rank order (their index is the denial's state gap).</summary>
public enum TrustState { Cold, Warming, Established, Authoritative }

/// <summary>
/// One conviction tier with the golden values of spec 07 §1.1. The five instances are the only ones;
/// compare them by <see cref="Index"/> ("meets a requirement" means idx ≥ the required idx).
/// </summary>
public sealed record ConvictionTier
{
    public static readonly ConvictionTier Observer = new(null, 0, "observer", 0, ["chat", "personality_view"], "pool_observer", 0, 0.0, TrustState.Cold);
    public static readonly ConvictionTier Participant = new(Observer, 1, "participant", 1, ["memory", "tool_events"], "pool_standard", 0, 0.2, TrustState.Warming);
    public static readonly ConvictionTier Builder = new(Participant, 2, "builder", 100, ["economic_metadata", "scheduling"], "pool_standard", 1, 0.5, TrustState.Established);
    public static readonly ConvictionTier Architect = new(Builder, 3, "architect", 1000, ["agent_api"], "pool_premium", 3, 0.8, TrustState.Established);
    public static readonly ConvictionTier Sovereign = new(Architect, 4, "sovereign", 10000, ["autonomous_mode"], "pool_premium", 10, 1.0, TrustState.Authoritative);

    /// <summary>Ascending by index.</summary>
    public static IReadOnlyList<ConvictionTier> All { get; } = [Observer, Participant, Builder, Architect, Sovereign];

    private ConvictionTier(ConvictionTier? previous, int index, string name, double minimumBgt, string[] additions, string modelPool,
        int fleetConcurrentLimit, double trustScore, TrustState trustState)
    {
        Index = index;
        Name = name;
        MinimumBgt = minimumBgt;
        // Cumulative: the lower tiers' capabilities first, in table order.
        Capabilities = previous is null ? additions : [.. previous.Capabilities, .. additions];
        ModelPool = modelPool;
        FleetConcurrentLimit = fleetConcurrentLimit;
        TrustScore = trustScore;
        TrustState = trustState;
    }

    public int Index { get; }
    /// <summary>The wire name (`observer` … `sovereign`).</summary>
    public string Name { get; }
    public double MinimumBgt { get; }
    public IReadOnlyList<string> Capabilities { get; }
    public string ModelPool { get; }
    public int FleetConcurrentLimit { get; }
    public double TrustScore { get; }
    public TrustState TrustState { get; }

    public bool Meets(ConvictionTier required) => Index >= required.Index;

    /// <summary>The highest tier whose threshold ≤ <paramref name="bgtStaked"/>; below 1, negative or NaN is observer.</summary>
    public static ConvictionTier FromBgt(double bgtStaked)
    {
        if (double.IsNaN(bgtStaked)) return Observer;
        for (var i = All.Count - 1; i > 0; i--)
        {
            if (bgtStaked >= All[i].MinimumBgt) return All[i];
        }
        return Observer;
    }

    /// <summary>The tier named exactly <paramref name="name"/>, or null.</summary>
    public static ConvictionTier? FromName(string? name) => All.FirstOrDefault(t => t.Name == name);

    public override string ToString() => Name;
}
