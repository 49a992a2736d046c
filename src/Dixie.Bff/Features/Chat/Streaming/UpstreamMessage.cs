using System.Buffers;
using System.Net.WebSockets;
using System.Text;

namespace Dixie.Bff.Features.Chat.Streaming;

public enum UpstreamMessageKind { Text, Binary, Closed, Dropped }

/// <summary>What one receive from finn's socket produced: a text frame, a binary frame, finn's close, or a lost connection.</summary>
public sealed record UpstreamMessage(UpstreamMessageKind Kind, string? Text = null, int? CloseCode = null)
{
    /// <summary>finn frames above this are treated as a lost connection; a real frame is a few KiB.</summary>
    public const int MaxBytes = 4 * 1024 * 1024;

    /// <summary>
    /// Reads one whole message. Never cancelled: cancelling a receive aborts the socket, and the
    /// callers still need it to send `abort` upstream.
    /// </summary>
    public static async Task<UpstreamMessage> ReceiveAsync(System.Net.WebSockets.WebSocket socket)
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        try
        {
            while (true)
            {
                var result = await socket.ReceiveAsync(buffer.GetMemory(4096), CancellationToken.None);
                if (result.MessageType == WebSocketMessageType.Close)
                    return new UpstreamMessage(UpstreamMessageKind.Closed, CloseCode: (int?)socket.CloseStatus ?? 1005);
                buffer.Advance(result.Count);
                if (buffer.WrittenCount > MaxBytes) return new UpstreamMessage(UpstreamMessageKind.Dropped);
                if (!result.EndOfMessage) continue;
                return result.MessageType == WebSocketMessageType.Binary
                    ? new UpstreamMessage(UpstreamMessageKind.Binary)
                    : new UpstreamMessage(UpstreamMessageKind.Text, Encoding.UTF8.GetString(buffer.WrittenSpan));
            }
        }
        catch (Exception ex) when (ex is WebSocketException or ObjectDisposedException or IOException or OperationCanceledException)
        {
            return new UpstreamMessage(UpstreamMessageKind.Dropped);
        }
    }

    /// <summary>Best effort: a send on a socket finn already dropped changes nothing for the caller.</summary>
    public static async Task TrySendAsync(System.Net.WebSockets.WebSocket socket, string json)
    {
        if (socket.State != WebSocketState.Open) return;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        try
        {
            await socket.SendAsync(Encoding.UTF8.GetBytes(json), WebSocketMessageType.Text, true, timeout.Token);
        }
        catch (Exception ex) when (ex is WebSocketException or ObjectDisposedException or IOException or OperationCanceledException)
        {
        }
    }

    /// <summary>Closes (or, when finn does not answer within 2 s, aborts) and disposes the socket.</summary>
    public static async Task CloseQuietlyAsync(System.Net.WebSockets.WebSocket socket, WebSocketCloseStatus status, string reason)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        try
        {
            if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
                await socket.CloseOutputAsync(status, reason, timeout.Token);
        }
        catch (Exception ex) when (ex is WebSocketException or ObjectDisposedException or IOException or OperationCanceledException)
        {
        }
        finally
        {
            socket.Dispose();
        }
    }
}
