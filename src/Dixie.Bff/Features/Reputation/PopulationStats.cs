namespace Dixie.Bff.Features.Reputation;

/// <summary>
/// Welford state of the population prior (spec 06 §3.4, §5.3): one durable row shared by every
/// instance. Reads as mean 0.5 while empty and as the population (not sample) variance.
/// </summary>
public readonly record struct PopulationStats(long Count, double Mean, double M2)
{
    public static PopulationStats Empty => default;

    public double EffectiveMean => Count == 0 ? ReputationMath.DefaultCollectionScore : Mean;

    public double Variance => Count > 1 ? M2 / Count : 0;

    public PopulationStats Add(double x)
    {
        var count = Count + 1;
        var delta = x - Mean;
        var mean = Mean + delta / count;
        return new PopulationStats(count, mean, M2 + delta * (x - mean));
    }
}
