using Dixie.Bff.Infrastructure.Redis;

namespace Dixie.Bff.Features.Agents;

/// <summary>
/// While Redis fails, skip it for 5 s at a time, so a lookup never waits on a dead connection on
/// every request; <see cref="Failed"/> is true only for the first failure of an outage (log once).
/// </summary>
internal sealed class RedisBackoff(RedisConnection redis, TimeProvider clock)
{
    private static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(5);
    private int _failing;
    private long _retryAt;

    public bool ShouldTry() =>
        redis.IsConfigured && (Volatile.Read(ref _failing) == 0 || clock.GetTimestamp() >= Interlocked.Read(ref _retryAt));

    public bool Failed()
    {
        Interlocked.Exchange(ref _retryAt, clock.GetTimestamp() + (long)(RetryAfter.TotalSeconds * clock.TimestampFrequency));
        return Interlocked.Exchange(ref _failing, 1) == 0;
    }

    public void Succeeded() => Interlocked.Exchange(ref _failing, 0);
}
