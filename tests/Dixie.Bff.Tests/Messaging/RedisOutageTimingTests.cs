using Dixie.Bff.Infrastructure.Redis;
using Microsoft.Extensions.Time.Testing;

namespace Dixie.Bff.Tests.Messaging;

/// <summary>The outage timing the rate limiter, the conviction cache and the TBA cache share, on a test clock.</summary>
public sealed class RedisOutageTimingTests
{
    private readonly FakeTimeProvider time = new(DateTimeOffset.UtcNow);
    private readonly RedisOutage outage;

    public RedisOutageTimingTests() => outage = new RedisOutage(time);

    [Fact]
    public void Only_the_first_failure_of_an_outage_and_the_success_ending_it_are_reported()
    {
        Assert.True(outage.Failed());
        time.Advance(RedisOutage.RetryAfter);
        Assert.False(outage.Failed());
        time.Advance(RedisOutage.RetryAfter);

        Assert.True(outage.ShouldTry(out var started));
        Assert.True(outage.Succeeded(started));
        Assert.False(outage.Succeeded(started));
        Assert.True(outage.Failed());
    }

    [Fact]
    public void Each_failure_restarts_the_five_second_skip()
    {
        outage.Failed();
        time.Advance(TimeSpan.FromSeconds(4));
        outage.Failed();
        time.Advance(TimeSpan.FromSeconds(4));

        Assert.False(outage.ShouldTry(out _));
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(outage.ShouldTry(out _));
    }

    [Fact]
    public void A_call_started_before_the_last_failure_ends_nothing()
    {
        outage.ShouldTry(out var startedEarlier);
        time.Advance(TimeSpan.FromMilliseconds(10));
        outage.Failed();

        Assert.False(outage.Succeeded(startedEarlier));
        Assert.False(outage.ShouldTry(out _));
    }
}
