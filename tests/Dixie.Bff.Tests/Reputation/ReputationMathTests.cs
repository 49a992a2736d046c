using Dixie.Bff.Features.Reputation;

namespace Dixie.Bff.Tests.Reputation;

/// <summary>The golden numbers of spec 06 §14 items 1–4 and 7–11 (pure, no database).</summary>
public sealed class ReputationMathTests
{
    private const double Tolerance = 1e-12;

    [Theory]
    [InlineData(0, 0.1)]
    [InlineData(1, 0.108)]
    [InlineData(5, 0.14)]
    [InlineData(10, 0.18)]
    [InlineData(25, 0.30)]
    [InlineData(49, 0.492)]
    [InlineData(50, 0.5)]
    [InlineData(100, 0.5)]
    public void Alpha_follows_the_ascending_ramp(int n, double alpha) =>
        Assert.Equal(alpha, ReputationMath.Alpha(n), Tolerance);

    [Fact]
    public void Dampen_starts_cold_at_the_observation_and_stays_between_old_and_new()
    {
        Assert.Equal(0.8, ReputationMath.Dampen(null, 0.8, 0));
        for (var n = 0; n < 80; n += 7)
        {
            var result = ReputationMath.Dampen(0.3, 0.9, n);
            Assert.InRange(result, 0.3, 0.9);
        }
        Assert.Equal(ReputationMath.Dampen(0.4, 0.9, 50), ReputationMath.Dampen(0.4, 0.9, 60));
    }

    [Fact]
    public void Two_hundred_observations_of_0_9_converge()
    {
        double? score = 0.5;
        for (var n = 0; n < 200; n++) score = ReputationMath.Dampen(score, 0.9, n);
        Assert.Equal(0.8999999999999999, score!.Value, Tolerance);
        Assert.True(Math.Abs(score.Value - 0.9) < 0.01);
    }

    [Fact]
    public void Observation_order_changes_the_result()
    {
        var ab = ReputationMath.Dampen(ReputationMath.Dampen(0.5, 0.2, 0), 0.9, 1);
        var ba = ReputationMath.Dampen(ReputationMath.Dampen(0.5, 0.9, 0), 0.2, 1);
        Assert.NotEqual(ab, ba);
    }

    [Fact]
    public void A_negative_or_non_finite_sample_count_throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ReputationMath.Dampen(0.5, 0.5, -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => ReputationMath.Alpha(double.NaN));
    }

    [Fact]
    public void Blend_examples()
    {
        Assert.Equal(0.7, ReputationMath.Blend(0.9, 0.5, 10, 10), Tolerance);
        Assert.Equal(0.5, ReputationMath.PersonalWeight(10, 10), Tolerance);
        Assert.Equal(0.9900990099009901, ReputationMath.PersonalWeight(1000, 10), Tolerance);
        Assert.True(ReputationMath.PersonalWeight(1000, 10) > 0.99);
        Assert.Equal(0.5, ReputationMath.Blend(null, 0.5, 3, 10));
    }

    [Fact]
    public void Welford_examples()
    {
        var four = new[] { 0.2, 0.4, 0.6, 0.8 }.Aggregate(PopulationStats.Empty, (p, x) => p.Add(x));
        Assert.Equal(0.5, four.EffectiveMean, Tolerance);
        Assert.Equal(0.05, four.Variance, Tolerance);
        var two = PopulationStats.Empty.Add(0.7).Add(0.8);
        Assert.Equal(0.75, two.EffectiveMean, Tolerance);
        Assert.Equal(0.0025, two.Variance, Tolerance);
        Assert.Equal(0.5, PopulationStats.Empty.EffectiveMean);
        Assert.Equal(0, PopulationStats.Empty.Variance);
        Assert.Equal(0, PopulationStats.Empty.Add(0.9).Variance);
    }

    [Fact]
    public void Parity_helpers_reproduce_worked_example_3()
    {
        var bayesian = ReputationMath.BayesianColdStart(0.95, 0);
        Assert.Equal(0.5409090909090909, bayesian, Tolerance);
        Assert.Equal(0.75, ReputationMath.DampenDescending(0.5, 1.0, 0), Tolerance);
        Assert.Equal(0.55, ReputationMath.DampenDescending(0.5, 1.0, 50), Tolerance);
        Assert.Equal(0.55, ReputationMath.Dampen(0.5, 1.0, 0), Tolerance);
        Assert.Equal(0.75, ReputationMath.Dampen(0.5, 1.0, 50), Tolerance);
    }

    [Fact]
    public void Cross_model_score_is_sample_weighted_and_null_without_weight()
    {
        Assert.Equal(0.7625, ReputationMath.CrossModelScore([(0.8, 5), (0.7, 3)])!.Value, Tolerance);
        Assert.Null(ReputationMath.CrossModelScore([]));
        Assert.Null(ReputationMath.CrossModelScore([(null, 4), (null, 2)]));
        Assert.Null(ReputationMath.CrossModelScore([(0.8, 0), (0.7, 0)]));
    }

    [Fact]
    public void Task_aware_cross_model_weighs_the_matching_type_three_times()
    {
        Assert.Equal(0.825, ReputationMath.TaskAwareCrossModelScore([(0.9, 10, true), (0.6, 10, false)])!.Value, Tolerance);
        Assert.Equal(0.9354838709677419, ReputationMath.TaskAwareCrossModelScore([(0.95, 50, true), (0.5, 5, false)])!.Value, Tolerance);
        Assert.Equal(0.6583333333333333, ReputationMath.TaskAwareCrossModelScore([(0.95, 2, true), (0.6, 30, false)])!.Value, Tolerance);
    }

    [Fact]
    public void Decayed_sample_count_examples()
    {
        Assert.Equal(50, ReputationMath.DecayedSampleCount(100, 30), Tolerance);
        Assert.Equal(3.125, ReputationMath.DecayedSampleCount(100, 150), 1e-9);
        Assert.Equal(8.506671609508556, ReputationMath.DecayedSampleCount(10, 7), Tolerance);
        Assert.Equal(10, ReputationMath.DecayedSampleCount(10, 0));
        Assert.Equal(10, ReputationMath.DecayedSampleCount(10, -3));
        Assert.Equal(0, ReputationMath.DecayedSampleCount(10, 7, 0));
    }

    [Fact]
    public void Quality_from_findings_examples()
    {
        Assert.Equal(1.0, QualityFindings.Score(new Dictionary<string, int>()));
        Assert.Equal(0.5, QualityFindings.Score(new Dictionary<string, int> { ["blocker"] = 1 }), Tolerance);
        Assert.Equal(0.3076923076923077, QualityFindings.Score(new Dictionary<string, int> { ["high"] = 2, ["medium"] = 1, ["low"] = 3 }), Tolerance);
        Assert.Equal(0.8333333333333334, QualityFindings.Score(new Dictionary<string, int> { ["weird"] = 2 }), Tolerance);
        Assert.Equal(0.5, QualityFindings.Score(new Dictionary<string, int> { ["BLOCKER"] = 1 }), Tolerance);

        var dims = QualityFindings.Dimensions(new Dictionary<string, int> { ["High"] = 2, ["low"] = 3 });
        Assert.Equal(1 / 2.4, dims["high"], Tolerance);
        Assert.Equal(1 / 1.45, dims["low"], Tolerance);
    }

    [Fact]
    public void Reliability_reasons_come_in_order()
    {
        var now = new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
        string At(double daysAgo) => ReputationTime.Normalise(now.AddDays(-daysAgo));

        Assert.Equal(["sample_count below 5"], Reliability.Of(4, At(0), now).Reasons);
        Assert.True(Reliability.Of(5, At(0), now).Reliable);
        Assert.True(Reliability.Of(5, At(60), now).Reliable);
        Assert.Equal(["last_updated older than 60 days"], Reliability.Of(5, At(61), now).Reasons);
        Assert.Equal(["last_updated missing or invalid"], Reliability.Of(5, null, now).Reasons);
        Assert.Equal(["sample_count below 5", "last_updated missing or invalid"], Reliability.Of(0, "yesterday", now).Reasons);
    }
}
