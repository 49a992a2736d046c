using System.Collections.Concurrent;
using Dixie.FinnEmulator.Hosting;

namespace Dixie.FinnEmulator.Sessions;

/// <summary>
/// Sessions by id with a least-recently-active order, so eviction at <c>--max-sessions</c> and the
/// activity-ordered listing are O(1) per step. Lookups are lock-free; activity updates take one
/// short lock.
/// </summary>
public sealed class SessionStore(EmulatorOptions options, TimeProvider clock)
{
    private readonly ConcurrentDictionary<string, Session> _byId = new(StringComparer.Ordinal);
    private readonly LinkedList<Session> _byActivity = new(); // head = least recently active
    private readonly Lock _gate = new();

    public int Count => _byId.Count;

    public Session Create()
    {
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var session = new Session(SessionId.New(now), now);
        lock (_gate)
        {
            while (_byActivity.Count >= options.MaxSessions && _byActivity.First is { } oldest)
            {
                _byActivity.RemoveFirst();
                oldest.Value.Node = null;
                _byId.TryRemove(oldest.Value.Id, out _);
            }
            session.Node = _byActivity.AddLast(session);
            _byId[session.Id] = session;
        }
        return session;
    }

    public Session? Find(string id) => _byId.TryGetValue(id, out var session) ? session : null;

    /// <summary>One exchange finished: two messages more, most recently active now.</summary>
    public void RecordExchange(Session session)
    {
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        lock (_gate)
        {
            session.MessageCount += 2;
            session.LastActivityMs = Math.Max(now, session.LastActivityMs);
            if (session.Node is { } node)
            {
                _byActivity.Remove(node);
                _byActivity.AddLast(node);
            }
        }
    }

    public List<(string Id, long CreatedMs, long LastActivityMs)> MostRecentFirst()
    {
        lock (_gate)
        {
            var list = new List<(string, long, long)>(_byActivity.Count);
            for (var node = _byActivity.Last; node is not null; node = node.Previous)
            {
                list.Add((node.Value.Id, node.Value.CreatedMs, node.Value.LastActivityMs));
            }
            return list;
        }
    }

    public void Clear()
    {
        lock (_gate)
        {
            foreach (var session in _byActivity)
            {
                session.Node = null;
            }
            _byActivity.Clear();
            _byId.Clear();
        }
    }
}
