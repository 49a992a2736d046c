using System.Collections.Concurrent;

namespace Dixie.Bff.Features.Auth;

/// <summary>
/// Tokens that Redis answered "not revoked" for in the last second. Spec 04 §4.3 lets validation
/// steps 8–9 reuse such an answer for at most 1 s, which saves the `MGET` round trip on every request
/// of a busy client. Revocations this instance made itself are checked before this and apply at once;
/// another instance's take effect here within the second.
/// </summary>
internal sealed class RecentRevocationChecks
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(1);

    // Two generations swapped every MaxAge: a lookup sees entries up to 2 × MaxAge old (and checks the
    // age itself), and memory holds only the tokens used in the last two seconds.
    private ConcurrentDictionary<string, long> _current = new(StringComparer.Ordinal);
    private ConcurrentDictionary<string, long> _previous = new(StringComparer.Ordinal);
    private long _generationStartTicks;
    private readonly Lock _rotation = new();

    /// <summary>Whether Redis cleared the token less than <see cref="MaxAge"/> before <paramref name="now"/>.</summary>
    public bool WasCleared(string jti, DateTimeOffset now)
    {
        Rotate(now);
        return (_current.TryGetValue(jti, out var readAt) || _previous.TryGetValue(jti, out readAt))
            && now.UtcTicks - readAt < MaxAge.Ticks && readAt <= now.UtcTicks;
    }

    /// <summary>Remembers a "not revoked" answer, dated when its read was sent (the answer is at least that fresh).</summary>
    public void Cleared(string jti, DateTimeOffset readSentAt)
    {
        Rotate(readSentAt);
        _current[jti] = readSentAt.UtcTicks;
    }

    private void Rotate(DateTimeOffset now)
    {
        if (now.UtcTicks - Volatile.Read(ref _generationStartTicks) < MaxAge.Ticks) return;
        lock (_rotation)
        {
            if (now.UtcTicks - _generationStartTicks < MaxAge.Ticks) return;
            _previous = _current;
            _current = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
            Volatile.Write(ref _generationStartTicks, now.UtcTicks);
        }
    }
}
