using System.Net.WebSockets;

namespace Dixie.FinnEmulator.WebSockets;

public sealed class WsConnection
{
    public Task CloseAsync(WebSocketCloseStatus status, string reason) => Task.CompletedTask;
}
