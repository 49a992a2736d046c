using System.Net.WebSockets;
using System.Text;

namespace Dixie.Bff.Features.Chat.WebSocket;

/// <summary>
/// A socket both relay directions may write to: sends are serialised (a WebSocket allows one at a
/// time) and best effort, since a peer that is gone is noticed by the socket's reader.
/// </summary>
internal sealed class SerializedSocket(System.Net.WebSockets.WebSocket socket) : IDisposable
{
    private static readonly TimeSpan SendTimeout = TimeSpan.FromSeconds(5);
    private readonly SemaphoreSlim _send = new(1, 1);

    public Task SendAsync(string json) =>
        WithSendLockAsync(ct => new ValueTask(socket.SendAsync(Encoding.UTF8.GetBytes(json), WebSocketMessageType.Text, true, ct)));

    /// <summary>Sends our close; the reader sees the peer's answer.</summary>
    public Task CloseOutputAsync(WebSocketCloseStatus status, string reason) =>
        WithSendLockAsync(ct => new ValueTask(socket.CloseOutputAsync(status, reason, ct)));

    public void Dispose() => _send.Dispose();

    private async Task WithSendLockAsync(Func<CancellationToken, ValueTask> send)
    {
        await _send.WaitAsync(CancellationToken.None);
        try
        {
            if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                using var timeout = new CancellationTokenSource(SendTimeout);
                await send(timeout.Token);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or ObjectDisposedException or IOException or OperationCanceledException)
        {
            // The peer is gone; its reader ends the session.
        }
        finally
        {
            _send.Release();
        }
    }
}
