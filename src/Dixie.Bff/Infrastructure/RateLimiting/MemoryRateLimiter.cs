using System.Collections.Concurrent;

namespace Dixie.Bff.Infrastructure.RateLimiting;

/// <summary>
/// The in-process GCRA (spec 02 §10.5): the backend when `DIXIE_RATE_LIMIT_BACKEND=memory` and the
/// fallback while Redis fails. Each key is updated with compare-and-swap, so concurrent requests of
/// one key never admit more than the limit; a sweep every 60 s bounds the memory.
/// </summary>
public sealed class MemoryRateLimiter : IDisposable
{
    public const int DefaultMaxKeys = 100_000;
    public static readonly TimeSpan SweepInterval = TimeSpan.FromSeconds(60);

    private readonly ConcurrentDictionary<string, GcraState> states = new(StringComparer.Ordinal);
    private readonly TimeProvider timeProvider;
    private readonly int maxKeys;
    private readonly ITimer sweepTimer;

    public MemoryRateLimiter(TimeProvider timeProvider) : this(timeProvider, DefaultMaxKeys) { }

    internal MemoryRateLimiter(TimeProvider timeProvider, int maxKeys)
    {
        this.timeProvider = timeProvider;
        this.maxKeys = maxKeys;
        sweepTimer = timeProvider.CreateTimer(_ => Sweep(), null, SweepInterval, SweepInterval);
    }

    /// <summary>Keys currently held.</summary>
    public int Count => states.Count;

    /// <param name="key">The limiter key without the Redis prefix: `&lt;policy&gt;:&lt;identity key&gt;`.</param>
    public RateLimitDecision Decide(string key, int limit)
    {
        while (true)
        {
            var now = NowUs();
            var found = states.TryGetValue(key, out var current);
            var decision = Gcra.Decide(found ? current : null, now, limit, out var next);
            // A rejection leaves the state as it is; an admission must win the swap or be re-decided.
            if (!decision.Admitted) return decision;
            if (found ? states.TryUpdate(key, next, current) : states.TryAdd(key, next)) return decision;
        }
    }

    /// <summary>
    /// Drops idle keys (TAT in the past: a fresh state decides the same), then, above the cap, the
    /// keys with the smallest TAT, which are the closest to idle.
    /// </summary>
    internal void Sweep()
    {
        var now = NowUs();
        foreach (var entry in states)
        {
            if (entry.Value.Tat < now) states.TryRemove(entry);
        }

        var excess = states.Count - maxKeys;
        if (excess <= 0) return;
        foreach (var entry in states.ToArray().OrderBy(e => e.Value.Tat).Take(excess))
        {
            states.TryRemove(entry);
        }
    }

    /// <summary>Microseconds on the monotonic clock: wall-clock steps cannot refill or drain buckets.</summary>
    private long NowUs()
    {
        var timestamp = timeProvider.GetTimestamp();
        var frequency = timeProvider.TimestampFrequency;
        return timestamp / frequency * 1_000_000 + timestamp % frequency * 1_000_000 / frequency;
    }

    public void Dispose() => sweepTimer.Dispose();
}
