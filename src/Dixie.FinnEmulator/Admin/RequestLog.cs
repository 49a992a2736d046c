namespace Dixie.FinnEmulator.Admin;

/// <summary>
/// The last 200 requests and client frames (spec 11 §8.2). One short lock per append keeps the hot
/// path cheap and gives every entry a gap-free sequence number; reading copies under the same lock.
/// </summary>
public sealed class RequestLog
{
    public const int Capacity = 200;

    private readonly LogEntry?[] _slots = new LogEntry?[Capacity];
    private readonly Lock _gate = new();
    private long _lastSeq;

    public void Append(LogEntry entry)
    {
        lock (_gate)
        {
            entry.Seq = ++_lastSeq;
            _slots[entry.Seq % Capacity] = entry;
        }
    }

    public void Clear()
    {
        lock (_gate)
        {
            Array.Clear(_slots);
        }
    }

    /// <summary>
    /// Matching entries oldest first. With <paramref name="since"/> the first <paramref name="limit"/>
    /// after it (so a poller pages forward); without, the newest <paramref name="limit"/>.
    /// </summary>
    public List<LogEntry> Query(string? kind, string? pathPrefix, long? since, int limit)
    {
        var entries = new List<LogEntry>(Capacity);
        lock (_gate)
        {
            foreach (var entry in _slots)
            {
                if (entry is not null)
                {
                    entries.Add(entry);
                }
            }
        }
        entries.Sort(static (a, b) => a.Seq.CompareTo(b.Seq));
        entries.RemoveAll(e =>
            (kind is not null && e.Kind != kind)
            || (pathPrefix is not null && !e.Path.StartsWith(pathPrefix, StringComparison.Ordinal))
            || (since is not null && e.Seq <= since));
        if (entries.Count > limit)
        {
            entries.RemoveRange(since is null ? 0 : limit, entries.Count - limit);
        }
        return entries;
    }
}
