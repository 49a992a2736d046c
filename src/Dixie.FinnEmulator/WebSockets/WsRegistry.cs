using System.Collections.Concurrent;
using System.Net.WebSockets;

namespace Dixie.FinnEmulator.WebSockets;

/// <summary>
/// Open WebSockets, so that reset and shutdown can close them with 1001 (spec 11 §1, §8.1), and the
/// per-IP connection counts of finn's cap (spec 11 §5.1).
/// </summary>
public sealed class WsRegistry
{
    private readonly ConcurrentDictionary<WsConnection, byte> _open = new();
    private readonly ConcurrentDictionary<string, int> _perIp = new(StringComparer.Ordinal);

    public void Add(WsConnection connection) => _open.TryAdd(connection, 0);

    public void Remove(WsConnection connection) => _open.TryRemove(connection, out _);

    /// <summary>Takes a slot for <paramref name="ip"/> unless it already holds <paramref name="cap"/> (0 = no cap).</summary>
    public bool TryTakeSlot(string ip, int cap)
    {
        while (true)
        {
            var current = _perIp.GetOrAdd(ip, 0);
            if (cap > 0 && current >= cap)
            {
                return false;
            }
            if (_perIp.TryUpdate(ip, current + 1, current))
            {
                return true;
            }
        }
    }

    public void ReleaseSlot(string ip) => _perIp.AddOrUpdate(ip, 0, static (_, n) => Math.Max(0, n - 1));

    public Task CloseAllAsync(string reason) =>
        Task.WhenAll(_open.Keys.Select(c => c.CloseAsync(WebSocketCloseStatus.EndpointUnavailable, reason)));
}
