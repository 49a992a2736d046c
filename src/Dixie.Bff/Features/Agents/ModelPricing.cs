using System.Numerics;

namespace Dixie.Bff.Features.Agents;

/// <summary>
/// The one static price table of spec 07 §2.5, in µUSD per million tokens. Every cost in the service
/// is computed here: exact model match first, then the longest prefix; an unknown model costs 0.
/// </summary>
public static class ModelPricing
{
    public const string EstimateModel = "claude-sonnet-4-6";
    public const int EstimateInputTokens = 200;
    public const int EstimateOutputTokens = 400;

    private static readonly (string Model, long PerMillionIn, long PerMillionOut)[] Table =
    [
        ("claude-sonnet-4-6", 3_000_000, 15_000_000),
        ("claude-opus-4-6", 15_000_000, 75_000_000),
        ("claude-haiku-4-5", 800_000, 4_000_000),
        ("gpt-4o", 2_500_000, 10_000_000),
        ("gpt-4o-mini", 150_000, 600_000),
    ];

    /// <summary>The pre-flight estimate: cost(claude-sonnet-4-6, 200 in, 400 out) = 6600.</summary>
    public static long Estimate { get; } = Cost(EstimateModel, EstimateInputTokens, EstimateOutputTokens);

    /// <summary>ceil((in × P_in + out × P_out) / 1 000 000), in arbitrary precision so no token count overflows.</summary>
    public static long Cost(string model, long inputTokens, long outputTokens)
    {
        if (Find(model) is not { } price) return 0;
        var numerator = (BigInteger)inputTokens * price.PerMillionIn + (BigInteger)outputTokens * price.PerMillionOut;
        var cost = BigInteger.DivRem(numerator, 1_000_000, out var remainder);
        if (remainder > 0) cost += 1;
        return cost > long.MaxValue ? long.MaxValue : (long)cost;
    }

    private static (long PerMillionIn, long PerMillionOut)? Find(string model)
    {
        foreach (var row in Table)
        {
            if (row.Model == model) return (row.PerMillionIn, row.PerMillionOut);
        }
        var best = Table.Where(row => model.StartsWith(row.Model, StringComparison.Ordinal)).MaxBy(row => row.Model.Length);
        return best.Model is null ? null : (best.PerMillionIn, best.PerMillionOut);
    }
}
