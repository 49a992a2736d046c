using Dixie.Bff.Infrastructure.RateLimiting;
using Microsoft.Extensions.Time.Testing;

namespace Dixie.Bff.Tests.RateLimiting;

public sealed class MemoryRateLimiterTests
{
    [Fact]
    public async Task Concurrent_requests_of_one_key_never_admit_more_than_the_limit()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var limiter = new MemoryRateLimiter(time);
        using var start = new ManualResetEventSlim();

        var workers = Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
        {
            start.Wait();
            var admitted = 0;
            for (var i = 0; i < 500; i++)
                if (limiter.Decide("default:wallet:0xabc", 1000).Admitted) admitted++;
            return admitted;
        })).ToArray();
        start.Set();
        var counts = await Task.WhenAll(workers);

        Assert.Equal(1000, counts.Sum());
    }

    [Fact]
    public void Keys_are_independent()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var limiter = new MemoryRateLimiter(time);

        Assert.True(limiter.Decide("default:ip:192.0.2.1", 1).Admitted);
        Assert.False(limiter.Decide("default:ip:192.0.2.1", 1).Admitted);
        Assert.True(limiter.Decide("default:ip:192.0.2.2", 1).Admitted);
        Assert.True(limiter.Decide("reputation-query:ip:192.0.2.1", 1).Admitted);
    }

    [Fact]
    public void Sweep_every_minute_drops_keys_whose_tat_has_passed()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var limiter = new MemoryRateLimiter(time);
        limiter.Decide("short", 100);           // TAT now + 0.6 s
        limiter.Decide("long", 1);              // TAT now + 60 s
        time.Advance(TimeSpan.FromSeconds(30));
        limiter.Decide("recent", 1);            // TAT now + 90 s

        time.Advance(TimeSpan.FromSeconds(30)); // the timer's first tick, at 60 s: "short" is idle, "long" just reaches its TAT
        Assert.Equal(2, limiter.Count);

        time.Advance(TimeSpan.FromSeconds(60)); // 120 s: all idle
        Assert.Equal(0, limiter.Count);
    }

    [Fact]
    public void Above_the_cap_the_sweep_keeps_the_keys_with_the_latest_tat()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var limiter = new MemoryRateLimiter(time, maxKeys: 3);
        for (var i = 0; i < 5; i++)
        {
            limiter.Decide($"key{i}", 1);
            time.Advance(TimeSpan.FromSeconds(1));
        }

        limiter.Sweep();

        Assert.Equal(3, limiter.Count);
        // The two oldest were dropped: they start again with a full budget, the others do not.
        Assert.True(limiter.Decide("key0", 1).Admitted);
        Assert.True(limiter.Decide("key1", 1).Admitted);
        Assert.False(limiter.Decide("key2", 1).Admitted);
        Assert.False(limiter.Decide("key4", 1).Admitted);
    }

    [Fact]
    public void Default_cap_is_one_hundred_thousand_keys()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var limiter = new MemoryRateLimiter(time);
        for (var i = 0; i < 100_010; i++) limiter.Decide($"ip:{i}", 1);

        limiter.Sweep();

        Assert.Equal(100_000, limiter.Count);
    }
}
