namespace Dixie.Bff.Features.Auth;

/// <summary>
/// The in-process nonce store for a single instance without Redis (spec 04 §2, D8): the same
/// lifetime and per-IP cap, a sweep every 60 s, and at most 100 000 outstanding nonces so that a
/// flood of requests cannot grow the process without bound.
/// </summary>
public sealed class MemoryNonces : IDisposable
{
    public const int ProcessLimit = 100_000;
    private static readonly TimeSpan SweepInterval = TimeSpan.FromSeconds(60);

    private readonly Lock _gate = new();
    private readonly Dictionary<string, Outstanding> _byNonce = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<Outstanding>> _byClient = new(StringComparer.Ordinal);
    // Every nonce has the same lifetime, so issue order is expiry order; consumed ones are skipped lazily.
    private readonly Queue<Outstanding> _inOrder = new();
    private readonly TimeProvider _time;
    private readonly ITimer _sweep;

    public MemoryNonces(TimeProvider time)
    {
        _time = time;
        _sweep = time.CreateTimer(_ => Sweep(), null, SweepInterval, SweepInterval);
    }

    public int OutstandingCount
    {
        get { lock (_gate) return _byNonce.Count; }
    }

    public NonceIssue Issue(string client)
    {
        var now = _time.GetUtcNow();
        lock (_gate)
        {
            var mine = _byClient.GetValueOrDefault(client);
            mine?.RemoveAll(n => n.ExpiresAt <= now || !_byNonce.ContainsKey(n.Nonce));
            if (mine is { Count: >= NonceStore.PerIpLimit }) return NonceIssue.Refused(NonceStore.RetryAfterSeconds(mine[0].ExpiresAt - now));
            if (_byNonce.Count >= ProcessLimit)
            {
                SweepLocked(now);
                if (_byNonce.Count >= ProcessLimit) return NonceIssue.Refused(NonceStore.RetryAfterSeconds(_inOrder.Peek().ExpiresAt - now));
            }

            string nonce;
            do nonce = NonceStore.NewNonce(); while (_byNonce.ContainsKey(nonce));
            var entry = new Outstanding(nonce, client, now + NonceStore.Lifetime);
            _byNonce.Add(nonce, entry);
            _inOrder.Enqueue(entry);
            if (mine is null) _byClient[client] = mine = [];
            mine.Add(entry);
            return new NonceIssue(NonceOutcome.Issued, nonce, now, entry.ExpiresAt, 0);
        }
    }

    public bool Consume(string nonce)
    {
        var now = _time.GetUtcNow();
        lock (_gate)
        {
            if (!_byNonce.Remove(nonce, out var entry)) return false;
            if (_byClient.TryGetValue(entry.Client, out var mine))
            {
                mine.Remove(entry);
                if (mine.Count == 0) _byClient.Remove(entry.Client);
            }
            return entry.ExpiresAt > now;
        }
    }

    public void Dispose() => _sweep.Dispose();

    private void Sweep()
    {
        var now = _time.GetUtcNow();
        lock (_gate) SweepLocked(now);
    }

    private void SweepLocked(DateTimeOffset now)
    {
        while (_inOrder.TryPeek(out var oldest) && (oldest.ExpiresAt <= now || !_byNonce.ContainsKey(oldest.Nonce)))
        {
            _inOrder.Dequeue();
            if (_byNonce.TryGetValue(oldest.Nonce, out var live) && ReferenceEquals(live, oldest)) _byNonce.Remove(oldest.Nonce);
        }
        foreach (var (client, mine) in _byClient.ToList())
        {
            mine.RemoveAll(n => n.ExpiresAt <= now || !_byNonce.ContainsKey(n.Nonce));
            if (mine.Count == 0) _byClient.Remove(client);
        }
    }

    private sealed record Outstanding(string Nonce, string Client, DateTimeOffset ExpiresAt);
}
