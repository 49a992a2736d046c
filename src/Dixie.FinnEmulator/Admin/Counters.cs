using System.Collections.Concurrent;

namespace Dixie.FinnEmulator.Admin;

/// <summary>
/// Requests and WebSocket frames per route template since start or reset (spec 11 §8.1). Endpoints
/// hold their <see cref="Counter"/> so the hot path is one interlocked increment.
/// </summary>
public sealed class Counters
{
    private readonly ConcurrentDictionary<string, Counter> _counters = new(StringComparer.Ordinal);

    public Counter For(string key) => _counters.GetOrAdd(key, static k => new Counter(k));

    public void Increment(string key) => For(key).Increment();

    public Dictionary<string, long> Snapshot()
    {
        var snapshot = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var (key, counter) in _counters)
        {
            var value = counter.Value;
            if (value > 0)
            {
                snapshot[key] = value;
            }
        }
        return snapshot;
    }

    public void Reset()
    {
        foreach (var counter in _counters.Values)
        {
            counter.Reset();
        }
    }
}

public sealed class Counter(string key)
{
    private long _value;

    public string Key { get; } = key;

    public long Value => Interlocked.Read(ref _value);

    public void Increment() => Interlocked.Increment(ref _value);

    public void Reset() => Interlocked.Exchange(ref _value, 0);
}
