namespace Dixie.Bff.Features.Reputation;

/// <summary>
/// The scoring formulas of spec 06 §5 as pure functions over IEEE-754 doubles. The fold uses
/// <see cref="Dampen"/>, <see cref="Blend"/> and <see cref="PopulationStats.Add"/>; the rest are read
/// helpers or parity helpers kept for the reference golden numbers.
/// </summary>
public static class ReputationMath
{
    public const double AlphaMin = 0.1;
    public const double AlphaMax = 0.5;
    public const int RampSamples = 50;
    public const int DefaultPseudoCount = 10;
    public const int DefaultMinSampleCount = 10;
    public const double DefaultCollectionScore = 0.5;
    public const double AuthoritativeWeight = 0.9;
    public const string ContractVersion = "8.2.0";
    public const int MaxTaskCohorts = 50;
    public const double TaskMatchWeight = 3.0;
    public const double DefaultHalfLifeDays = 30;

    /// <summary>Ascending ramp: α = 0.1 + 0.4 · min(1, n/50).</summary>
    public static double Alpha(double n)
    {
        EnsureSampleCount(n);
        return AlphaMin + (AlphaMax - AlphaMin) * Math.Min(1.0, n / RampSamples);
    }

    /// <summary>EMA step with a direct cold start: a null <paramref name="old"/> yields <paramref name="x"/>.</summary>
    public static double Dampen(double? old, double x, double n)
    {
        EnsureSampleCount(n);
        if (old is not { } previous) return x;
        return previous + Alpha(n) * (x - previous);
    }

    /// <summary>Bayesian blend (k·c + n·p)/(k + n); the prior alone while there is no personal score.</summary>
    public static double Blend(double? personal, double collection, double n, double k) =>
        personal is { } p ? (k * collection + n * p) / (k + n) : collection;

    /// <summary>The weight the personal score carries in the blend, n/(k + n).</summary>
    public static double PersonalWeight(double n, double k) => n / (k + n);

    /// <summary>§5.4: sample-weighted mean over cohorts with a score; null when no weight remains.</summary>
    public static double? CrossModelScore(IEnumerable<(double? Score, double SampleCount)> cohorts) =>
        TaskAwareCrossModelScore(cohorts.Select(c => (c.Score, c.SampleCount, false)));

    /// <summary>§5.7: as <see cref="CrossModelScore"/>, a cohort of the requested task type weighing 3×.</summary>
    public static double? TaskAwareCrossModelScore(IEnumerable<(double? Score, double SampleCount, bool Matches)> cohorts)
    {
        double numerator = 0, denominator = 0;
        foreach (var (score, n, matches) in cohorts)
        {
            if (score is not { } s) continue;
            var weight = matches ? n * TaskMatchWeight : n;
            numerator += s * weight;
            denominator += weight;
        }
        return denominator == 0 ? null : numerator / denominator;
    }

    /// <summary>Parity helper: the descending ramp α = 0.1 + 0.4·(1 − min(1, n/50)).</summary>
    public static double DescendingAlpha(double n)
    {
        EnsureSampleCount(n);
        return AlphaMin + (AlphaMax - AlphaMin) * (1 - Math.Min(1.0, n / RampSamples));
    }

    /// <summary>Parity helper: EMA step with the descending ramp.</summary>
    public static double DampenDescending(double old, double x, double n) => old + DescendingAlpha(n) * (x - old);

    /// <summary>Parity helper: the first observation pulled toward 0.5, w = 10/(10 + max(n,1)).</summary>
    public static double BayesianColdStart(double x, double n)
    {
        var w = DefaultPseudoCount / (DefaultPseudoCount + Math.Max(n, 1));
        return w * DefaultCollectionScore + (1 - w) * x;
    }

    /// <summary>Parity helper: n·exp(−ln2/halfLife · days).</summary>
    public static double DecayedSampleCount(double n, double days, double halfLifeDays = DefaultHalfLifeDays)
    {
        if (halfLifeDays <= 0) return 0;
        if (days <= 0) return n;
        return n * Math.Exp(-Math.Log(2) / halfLifeDays * days);
    }

    private static void EnsureSampleCount(double n)
    {
        if (!double.IsFinite(n) || n < 0)
            throw new ArgumentOutOfRangeException(nameof(n), n, "A sample count is a finite number ≥ 0");
    }
}
