namespace Dixie.Bff.Features.Reputation;

/// <summary>
/// The per-instance `/query` cache (spec 06 §9): nft_id → score or null, 5 s from insertion, LRU at
/// 10 000 entries, invalidated after local writes. A per-key generation stops a load that began before an
/// invalidation from storing its (stale) result. Other instances converge within the TTL (ADR 005).
/// </summary>
public sealed class ScoreCache(TimeProvider clock)
{
    public const int Capacity = 10_000;
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(5);

    // Generations are forgotten in bulk once this many keys were invalidated; the epoch moves with them.
    private const int MaxTrackedGenerations = 100_000;

    private readonly Lock _gate = new();
    private readonly Dictionary<string, LinkedListNode<Entry>> _entries = new(StringComparer.Ordinal);
    private readonly LinkedList<Entry> _recency = new();
    private readonly Dictionary<string, long> _generations = new(StringComparer.Ordinal);
    private long _epoch;

    public int Count
    {
        get
        {
            lock (_gate) return _entries.Count;
        }
    }

    /// <summary>A hit moves the entry to most recent; an expired entry is removed and reads as a miss.</summary>
    public bool TryGet(string nftId, out double? score)
    {
        lock (_gate)
        {
            score = null;
            if (!_entries.TryGetValue(nftId, out var node)) return false;
            if (clock.GetUtcNow() - node.Value.StoredAt >= Lifetime)
            {
                Remove(node);
                return false;
            }
            _recency.Remove(node);
            _recency.AddFirst(node);
            score = node.Value.Score;
            return true;
        }
    }

    /// <summary>Call before reading the database; pass the token to <see cref="Store"/>.</summary>
    public LoadToken BeginLoad(string nftId)
    {
        lock (_gate) return new LoadToken(_epoch, _generations.GetValueOrDefault(nftId));
    }

    /// <summary>Stores a loaded score unless the key was invalidated since the load began.</summary>
    public bool Store(string nftId, LoadToken token, double? score)
    {
        lock (_gate)
        {
            if (token != new LoadToken(_epoch, _generations.GetValueOrDefault(nftId))) return false;
            if (_entries.TryGetValue(nftId, out var existing)) Remove(existing);
            else if (_entries.Count >= Capacity) Remove(_recency.Last!);
            var node = _recency.AddFirst(new Entry(nftId, score, clock.GetUtcNow()));
            _entries[nftId] = node;
            return true;
        }
    }

    public void Invalidate(IEnumerable<string> nftIds)
    {
        lock (_gate)
        {
            foreach (var nftId in nftIds)
            {
                if (_entries.TryGetValue(nftId, out var node)) Remove(node);
                if (_generations.Count >= MaxTrackedGenerations && !_generations.ContainsKey(nftId))
                {
                    _generations.Clear();
                    _epoch++;
                }
                _generations[nftId] = _generations.GetValueOrDefault(nftId) + 1;
            }
        }
    }

    /// <summary>Drops everything (rebuild of the whole log).</summary>
    public void Clear()
    {
        lock (_gate)
        {
            _entries.Clear();
            _recency.Clear();
            _generations.Clear();
            _epoch++;
        }
    }

    private void Remove(LinkedListNode<Entry> node)
    {
        _recency.Remove(node);
        _entries.Remove(node.Value.NftId);
    }

    private sealed record Entry(string NftId, double? Score, DateTimeOffset StoredAt);

    public readonly record struct LoadToken(long Epoch, long Generation);
}
