using Dixie.Bff.Infrastructure.Logging;
using Dixie.Bff.Infrastructure.RateLimiting;
using Dixie.Bff.Tests.Support;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Dixie.Bff.Tests.RateLimiting;

/// <summary>The outage bookkeeping of spec 02 §10.7 on a test clock.</summary>
public sealed class RedisFallbackWindowTests
{
    private readonly FakeTimeProvider time = new(DateTimeOffset.UtcNow);
    private readonly LogCapture logs = new();
    private readonly RedisFallbackWindow window;

    public RedisFallbackWindowTests() => window = new RedisFallbackWindow(time, logs.Factory.CreateLogger("rate-limit"));

    [Fact]
    public void After_a_failure_redis_is_skipped_for_five_seconds_then_tried_again()
    {
        Assert.True(window.ShouldTryRedis(time.GetTimestamp()));
        window.Failed(new TimeoutException());

        time.Advance(TimeSpan.FromSeconds(5) - TimeSpan.FromTicks(1));
        Assert.False(window.ShouldTryRedis(time.GetTimestamp()));
        time.Advance(TimeSpan.FromTicks(1));
        Assert.True(window.ShouldTryRedis(time.GetTimestamp()));
    }

    [Fact]
    public void An_outage_logs_one_warning_however_often_redis_fails_and_one_recovery()
    {
        window.Failed(new TimeoutException());
        for (var i = 0; i < 3; i++)
        {
            time.Advance(TimeSpan.FromSeconds(5));
            window.Failed(null);
        }
        time.Advance(TimeSpan.FromSeconds(5));
        window.Succeeded(time.GetTimestamp());
        window.Succeeded(time.GetTimestamp());

        var warning = Assert.Single(logs.Events(LogEvents.RateLimitRedisFallback));
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Equal(nameof(TimeoutException), warning.Exception?.Type.Split('.')[^1]);
        Assert.Equal(LogLevel.Information, Assert.Single(logs.Events(LogEvents.RateLimitRedisRecovered)).Level);
        Assert.True(window.ShouldTryRedis(time.GetTimestamp()));
    }

    [Fact]
    public void A_call_sent_before_the_failure_does_not_end_the_outage()
    {
        var sentEarlier = time.GetTimestamp();
        time.Advance(TimeSpan.FromMilliseconds(10));
        window.Failed(null);

        window.Succeeded(sentEarlier);

        Assert.Empty(logs.Events(LogEvents.RateLimitRedisRecovered));
        Assert.False(window.ShouldTryRedis(time.GetTimestamp()));
    }

    [Fact]
    public void A_new_outage_after_recovery_logs_again()
    {
        window.Failed(null);
        time.Advance(TimeSpan.FromSeconds(5));
        window.Succeeded(time.GetTimestamp());
        time.Advance(TimeSpan.FromSeconds(1));
        window.Failed(null);

        Assert.Equal(2, logs.Events(LogEvents.RateLimitRedisFallback).Count);
    }
}
