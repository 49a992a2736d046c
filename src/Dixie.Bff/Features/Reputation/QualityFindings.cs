namespace Dixie.Bff.Features.Reputation;

/// <summary>Parity helper (spec 06 §5.7): a quality score from review findings counted by severity.</summary>
public static class QualityFindings
{
    private const double OtherWeight = 0.1;

    private static readonly Dictionary<string, double> Weights = new(StringComparer.Ordinal)
    {
        ["blocker"] = 1.0,
        ["high"] = 0.7,
        ["medium"] = 0.4,
        ["low"] = 0.15,
        ["info"] = 0.05,
    };

    /// <summary>1/(1 + Σ count·weight), keys lower-cased.</summary>
    public static double Score(IReadOnlyDictionary<string, int> findings) =>
        1.0 / (1.0 + findings.Sum(f => f.Value * WeightOf(f.Key)));

    /// <summary>One dimension per severity: 1/(1 + count·weight), keyed by the lower-cased severity.</summary>
    public static Dictionary<string, double> Dimensions(IReadOnlyDictionary<string, int> findings) =>
        findings.ToDictionary(f => f.Key.ToLowerInvariant(), f => 1.0 / (1.0 + f.Value * WeightOf(f.Key)), StringComparer.Ordinal);

    private static double WeightOf(string severity) =>
        Weights.TryGetValue(severity.ToLowerInvariant(), out var weight) ? weight : OtherWeight;
}
