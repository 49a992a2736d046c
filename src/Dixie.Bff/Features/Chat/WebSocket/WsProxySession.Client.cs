using System.Buffers;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using Dixie.Bff.Features.Chat.Streaming;

namespace Dixie.Bff.Features.Chat.WebSocket;

/// <summary>The client-to-finn direction (spec 05 §6.3): validated frames are forwarded, the rest answered or closed.</summary>
internal sealed partial class WsProxySession
{
    private async Task ClientLoopAsync()
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        while (true)
        {
            buffer.ResetWrittenCount();
            ValueWebSocketReceiveResult result;
            try
            {
                do
                {
                    result = await client.ReceiveAsync(buffer.GetMemory(4096), CancellationToken.None);
                    buffer.Advance(result.Count);
                }
                while (!result.EndOfMessage && result.MessageType == WebSocketMessageType.Text && buffer.WrittenCount <= MaxClientMessageBytes);
            }
            catch (Exception ex) when (ex is WebSocketException or ObjectDisposedException or IOException or OperationCanceledException)
            {
                await ClientGoneAsync();
                return;
            }
            switch (result.MessageType)
            {
                case WebSocketMessageType.Close:
                    await CloseClientAsync(WebSocketCloseStatus.NormalClosure, "");
                    await ClientGoneAsync();
                    return;
                case WebSocketMessageType.Binary:
                    await CloseClientAsync(WebSocketCloseStatus.InvalidMessageType, "Binary frames not supported");
                    await ClientGoneAsync();
                    return;
            }
            if (buffer.WrittenCount > MaxClientMessageBytes)
            {
                await CloseClientAsync(WebSocketCloseStatus.MessageTooBig, "Message too large");
                await ClientGoneAsync();
                return;
            }
            await OnClientFrameAsync(WsClientFrame.Parse(Encoding.UTF8.GetString(buffer.WrittenSpan)));
        }
    }

    private async Task OnClientFrameAsync(WsClientFrame frame)
    {
        switch (frame.Kind)
        {
            case WsClientFrameKind.Prompt:
                bool busy;
                lock (_gate)
                {
                    busy = _turn is not null;
                    if (!busy)
                    {
                        var messageId = Guid.NewGuid().ToString("D");
                        _turn = new ActiveTurn(new StreamedTurn(owner, sessionId, messageId, frame.Text!.Length, newSession: false), Stopwatch.GetTimestamp());
                        _lastMessageId = messageId;
                    }
                }
                if (busy) await SendClientAsync(ClientFrames.Error("turn_in_progress", "A prompt is already being answered", recoverable: true));
                else await SendUpstreamAsync(ClientFrames.Prompt(frame.Text!));
                break;
            case WsClientFrameKind.Abort:
                lock (_gate)
                {
                    if (_turn is not null) _turn.Aborted = true;
                }
                await SendUpstreamAsync(ClientFrames.Abort);
                break;
            case WsClientFrameKind.Ping:
                await SendUpstreamAsync(ClientFrames.Ping);
                break;
            default:
                await SendClientAsync(ClientFrames.Error("invalid_request", frame.Problem!, recoverable: true));
                break;
        }
    }

    /// <summary>The client closed or dropped: a turn in flight is aborted upstream, then finn's socket is closed.</summary>
    private async Task ClientGoneAsync()
    {
        if (!TryEnd()) return;
        if (TakeTurn() is { } turn)
        {
            await SendUpstreamAsync(ClientFrames.Abort);
            LogTurn(turn, "disconnected");
        }
        await CloseUpstreamAsync(WebSocketCloseStatus.NormalClosure);
    }
}
