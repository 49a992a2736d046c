namespace Dixie.Bff.Infrastructure.Redis;

/// <summary>
/// The outage timing every Redis-backed feature shares (spec 02 §10.7, spec 07 §1.2): after a failure,
/// Redis is skipped for 5 s at a time, so no request waits on a dead connection; the first failure of
/// an outage and the success that ends it are reported once each, for the caller to log in its own words.
/// </summary>
internal sealed class RedisOutage(TimeProvider clock)
{
    public static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(5);

    private readonly Lock gate = new();
    private bool failing;
    private long failedAt;
    private long retryAt;

    /// <summary>False while the 5 s after the last failure last.</summary>
    public bool ShouldTry(long now)
    {
        lock (gate)
        {
            return !failing || now >= retryAt;
        }
    }

    /// <summary>Whether to call Redis now; <paramref name="started"/> dates the call for <see cref="Succeeded"/>.</summary>
    public bool ShouldTry(out long started)
    {
        started = clock.GetTimestamp();
        return ShouldTry(started);
    }

    /// <summary>Starts or extends the outage; true for its first failure.</summary>
    public bool Failed()
    {
        var now = clock.GetTimestamp();
        lock (gate)
        {
            var first = !failing;
            failing = true;
            failedAt = now;
            retryAt = now + (long)(RetryAfter.TotalSeconds * clock.TimestampFrequency);
            return first;
        }
    }

    /// <summary>
    /// True when this success ends an outage. A call started before the last failure proves nothing
    /// about now (it may have been answered just before Redis went down), so it ends nothing.
    /// </summary>
    public bool Succeeded(long startedAt)
    {
        lock (gate)
        {
            if (!failing || startedAt < failedAt) return false;
            failing = false;
            return true;
        }
    }
}
