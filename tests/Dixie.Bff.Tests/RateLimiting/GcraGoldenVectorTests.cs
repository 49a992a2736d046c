using Dixie.Bff.Infrastructure.RateLimiting;
using Microsoft.Extensions.Time.Testing;

namespace Dixie.Bff.Tests.RateLimiting;

/// <summary>The golden vectors of spec 02 §10.3 against the in-process limiter, clock frozen.</summary>
public sealed class GcraGoldenVectorTests
{
    [Theory]
    [InlineData(100, 600_000)]
    [InlineData(7, 8_571_429)]
    [InlineData(1, 60_000_000)]
    [InlineData(1_000_000, 60)]
    public void Fresh_key_admits_exactly_the_limit_then_rejects_with_the_golden_retry(int limit, long expectedRetryUs)
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var limiter = new MemoryRateLimiter(time);

        for (var i = 1; i <= limit; i++)
        {
            var admitted = limiter.Decide("default:ip:192.0.2.1", limit);
            Assert.True(admitted.Admitted, $"request {i} of {limit} was rejected");
            if (i == 1) Assert.Equal(limit - 1, admitted.Remaining);
        }
        var rejected = limiter.Decide("default:ip:192.0.2.1", limit);

        Assert.False(rejected.Admitted);
        Assert.Equal(0, rejected.Remaining);
        Assert.Equal(expectedRetryUs, rejected.RetryUs);
    }

    [Theory]
    [InlineData(100)]
    [InlineData(7)]
    [InlineData(1)]
    [InlineData(1_000_000)]
    public void Request_at_now_plus_retry_is_admitted_and_one_microsecond_earlier_is_not(int limit)
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var limiter = new MemoryRateLimiter(time);
        for (var i = 0; i < limit; i++) limiter.Decide("k", limit);
        var rejected = limiter.Decide("k", limit);
        Assert.False(rejected.Admitted);

        time.Advance(TimeSpan.FromMicroseconds(rejected.RetryUs - 1));
        var early = limiter.Decide("k", limit);
        time.Advance(TimeSpan.FromMicroseconds(1));
        var onTime = limiter.Decide("k", limit);

        Assert.False(early.Admitted);
        Assert.Equal(1, early.RetryUs);
        Assert.True(onTime.Admitted);
        Assert.Equal(0, onTime.Remaining);
    }

    [Fact]
    public void Pure_function_reports_remaining_reset_and_state_of_the_spec_steps()
    {
        const long now = 1_700_000_000_000_000;

        var first = Gcra.Decide(null, now, 7, out var afterFirst);
        var second = Gcra.Decide(afterFirst, now, 7, out var afterSecond);

        // q = 8 571 428, r = 4: the fraction carries into whole microseconds every 7/4 requests.
        Assert.Equal(new RateLimitDecision(true, 6, 0, 8_571_429), first);
        Assert.Equal(new GcraState(now + 8_571_428, 4), afterFirst);
        Assert.Equal(new RateLimitDecision(true, 5, 0, 17_142_858), second);
        Assert.Equal(new GcraState(now + 17_142_857, 1), afterSecond);
    }

    [Fact]
    public void Rejection_leaves_the_state_unchanged_and_reports_the_reset_of_the_current_state()
    {
        const long now = 1_700_000_000_000_000;
        var full = new GcraState(now + Gcra.PeriodUs, 0);

        var rejected = Gcra.Decide(full, now, 100, out var next);

        Assert.Equal(new RateLimitDecision(false, 0, 600_000, Gcra.PeriodUs), rejected);
        Assert.Equal(full, next);
    }

    [Fact]
    public void State_in_the_past_counts_as_no_state()
    {
        const long now = 1_700_000_000_000_000;

        var stale = Gcra.Decide(new GcraState(now - 1, 3), now, 7, out var next);
        var fresh = Gcra.Decide(null, now, 7, out var freshNext);

        Assert.Equal(fresh, stale);
        Assert.Equal(freshNext, next);
    }

    [Fact]
    public void Idle_key_refills_continuously_one_request_every_period_over_limit()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var limiter = new MemoryRateLimiter(time);
        for (var i = 0; i < 100; i++) limiter.Decide("k", 100);
        Assert.False(limiter.Decide("k", 100).Admitted);

        time.Advance(TimeSpan.FromMilliseconds(600));
        Assert.True(limiter.Decide("k", 100).Admitted);
        Assert.False(limiter.Decide("k", 100).Admitted);

        time.Advance(TimeSpan.FromSeconds(60));
        var refilled = limiter.Decide("k", 100);
        Assert.True(refilled.Admitted);
        Assert.Equal(99, refilled.Remaining);
    }
}
