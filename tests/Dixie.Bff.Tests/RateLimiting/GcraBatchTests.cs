using Dixie.Bff.Infrastructure.RateLimiting;

namespace Dixie.Bff.Tests.RateLimiting;

/// <summary>A batch of n requests at one instant is the same as n single requests at that instant (ADR 015).</summary>
public sealed class GcraBatchTests
{
    public static TheoryData<int> Limits => [1, 7, 100, 6_000, 999_983, 1_000_000];

    [Theory]
    [MemberData(nameof(Limits))]
    public void Batch_matches_single_requests_one_by_one_from_any_state(int limit)
    {
        var random = new Random(limit);
        const long now = 1_800_000_000_000_000;
        for (var trial = 0; trial < 300; trial++)
        {
            // Idle, part-used and full keys: TATs from before now to the whole period ahead.
            GcraState? state = trial % 10 == 0 ? null : new GcraState(now + random.NextInt64(-Gcra.PeriodUs, Gcra.PeriodUs + 1), random.NextInt64(0, limit));
            var count = random.Next(1, trial % 3 == 0 ? 5 : 400);

            var (admitted, baseUnits) = Gcra.DecideBatch(state, now, limit, count, out var batchNext);
            var singles = new List<RateLimitDecision>();
            var singleNext = state;
            for (var i = 0; i < count; i++)
            {
                singles.Add(Gcra.Decide(singleNext, now, limit, out var next));
                singleNext = next;
            }

            Assert.Equal(singles, Enumerable.Range(0, count).Select(i => Gcra.InBatch(baseUnits, admitted, i, limit)));
            Assert.Equal(singles.Count(d => d.Admitted), admitted);
            // An untouched idle key keeps whatever it had; otherwise both paths store the same state.
            if (admitted > 0 || state is not null) Assert.Equal(singleNext, batchNext);
        }
    }

    [Fact]
    public void A_fresh_key_of_limit_100_admits_100_of_150_and_the_first_rejected_retries_in_600_ms()
    {
        var (admitted, baseUnits) = Gcra.DecideBatch(null, 0, 100, 150, out _);

        Assert.Equal(100, admitted);
        Assert.Equal(99, Gcra.InBatch(baseUnits, admitted, 0, 100).Remaining);
        Assert.Equal(0, Gcra.InBatch(baseUnits, admitted, 99, 100).Remaining);
        Assert.Equal(new RateLimitDecision(false, 0, 600_000, Gcra.PeriodUs), Gcra.InBatch(baseUnits, admitted, 100, 100));
        Assert.Equal(Gcra.InBatch(baseUnits, admitted, 100, 100), Gcra.InBatch(baseUnits, admitted, 149, 100));
    }
}
