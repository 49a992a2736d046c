using Dixie.Bff.Features.Agents;

namespace Dixie.Bff.Tests.Agents;

/// <summary>The in-process per-TBA limits used while Redis is away: same rules, bounded memory.</summary>
public sealed class MemoryAgentLimitsTests
{
    private static readonly DateTimeOffset LateEvening = new(2026, 11, 28, 23, 59, 30, TimeSpan.Zero);

    [Fact]
    public void Entries_of_an_earlier_day_are_forgotten_once_their_minute_has_passed()
    {
        var limits = new MemoryAgentLimits(perMinute: 2, perDay: 5);
        for (var i = 0; i < 100; i++) Assert.Equal(0, limits.Decide("0xTba" + i, LateEvening).Status);
        Assert.Equal(100, limits.Count);

        // Past midnight but inside the last minute: yesterday's admissions still count for the window.
        var justAfterMidnight = LateEvening.AddSeconds(45);
        limits.Decide("0xTba0", justAfterMidnight);
        limits.Decide("0xTba1", LateEvening.AddSeconds(50));
        Assert.Equal(100, limits.Count);
        Assert.Equal(1, limits.Decide("0xTba0", LateEvening.AddSeconds(55)).Status);

        var later = LateEvening.AddMinutes(2);
        Assert.Equal(0, limits.Decide("0xTbaNew", later).Status);
        // Only today's TBAs remain: the two that were admitted after midnight and the new one.
        Assert.Equal(3, limits.Count);
        Assert.Equal(0, limits.Decide("0xTba5", later).Status);
    }

    [Fact]
    public void Todays_counter_survives_pruning()
    {
        var limits = new MemoryAgentLimits(perMinute: 10, perDay: 3);
        var morning = new DateTimeOffset(2026, 11, 29, 8, 0, 0, TimeSpan.Zero);
        for (var i = 0; i < 3; i++) Assert.Equal(0, limits.Decide("0xBusy", morning.AddSeconds(i)).Status);

        // Hours later, a prune runs; the day counter of 0xBusy still refuses.
        Assert.Equal(0, limits.Decide("0xOther", morning.AddHours(3)).Status);
        Assert.Equal(2, limits.Decide("0xBusy", morning.AddHours(3)).Status);
    }
}
