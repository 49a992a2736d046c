using System.Buffers;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using Dixie.Bff.Features.Chat.Streaming;

namespace Dixie.Bff.Features.Chat.WebSocket;

/// <summary>
/// One proxied connection (spec 05 §6.2–§6.4): client frames are validated and forwarded, finn frames
/// translated, and whichever side ends first decides how the other is closed. Each socket has one
/// reader; sends to a socket are serialised because both directions can write to the client.
/// </summary>
internal sealed class WsProxySession(
    System.Net.WebSockets.WebSocket client, System.Net.WebSockets.WebSocket upstream, ChatOwner owner, string sessionId,
    ChatSessionStore sessions, ILogger logger, CancellationToken stopping) : IDisposable
{
    public const int MaxClientMessageBytes = 64 * 1024;
    private static readonly TimeSpan ClientCloseWait = TimeSpan.FromSeconds(5);
    private static readonly int[] RelayedCloseCodes = [1000, 1001, 1009, 4001, 4004, 4029];

    private readonly SemaphoreSlim _clientSend = new(1, 1);
    private readonly SemaphoreSlim _upstreamSend = new(1, 1);
    private readonly Lock _gate = new();
    private ActiveTurn? _turn;
    private string _lastMessageId = "";
    private int _ended;
    private Task? _shutdown;

    private sealed record ActiveTurn(StreamedTurn Turn, long Started)
    {
        public bool Aborted { get; set; }
    }

    public async Task RunAsync()
    {
        using var active = ChatTurnLog.TrackStream(ChatTurnLog.Ws);
        using (stopping.Register(() => _shutdown = ShutdownAsync()))
        {
            await RelayAsync();
        }
        if (_shutdown is { } shutdown) await shutdown;
        upstream.Dispose();
    }

    private async Task RelayAsync()
    {
        var clientLoop = ClientLoopAsync();
        var upstreamLoop = UpstreamLoopAsync();
        var first = await Task.WhenAny(clientLoop, upstreamLoop);
        if (first == clientLoop)
        {
            await upstreamLoop;
        }
        else if (await Task.WhenAny(clientLoop, Task.Delay(ClientCloseWait, CancellationToken.None)) != clientLoop)
        {
            // The client never answered our close; its socket is dropped.
            client.Abort();
            await clientLoop;
        }
    }

    public void Dispose()
    {
        _clientSend.Dispose();
        _upstreamSend.Dispose();
    }

    private bool TryEnd() => Interlocked.Exchange(ref _ended, 1) == 0;

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

    private async Task UpstreamLoopAsync()
    {
        while (true)
        {
            var message = await UpstreamMessage.ReceiveAsync(upstream);
            switch (message.Kind)
            {
                case UpstreamMessageKind.Closed or UpstreamMessageKind.Dropped:
                    await UpstreamGoneAsync(message.Kind == UpstreamMessageKind.Closed ? message.CloseCode : null);
                    return;
                case UpstreamMessageKind.Binary:
                    ChatTurnLog.FrameInvalid(logger);
                    continue;
            }
            if (FinnFrame.TryParse(message.Text!) is not { } frame)
            {
                ChatTurnLog.FrameInvalid(logger);
                continue;
            }
            await OnFinnFrameAsync(frame);
        }
    }

    private async Task OnFinnFrameAsync(FinnFrame frame)
    {
        ActiveTurn? turn;
        lock (_gate) turn = _turn;
        switch (frame.Type)
        {
            case "text_delta":
                var delta = frame.Text("delta");
                turn?.Turn.AddDelta(delta);
                await SendClientAsync(ClientFrames.Frame("chunk", json => json.WriteString("content", delta)));
                break;
            case "tool_start":
                turn?.Turn.AddToolCall();
                await SendClientAsync(ClientFrames.Frame("tool_call", json =>
                {
                    json.WriteString("name", frame.Text("toolName"));
                    json.WritePropertyName("args");
                    if (frame.Json("args") is { } args) args.WriteTo(json);
                    else json.WriteNullValue();
                }));
                break;
            case "tool_end":
                await SendClientAsync(ClientFrames.Frame("tool_result", json =>
                {
                    json.WriteString("name", frame.Text("toolName"));
                    json.WriteString("result", frame.Text("result"));
                    json.WriteBoolean("isError", frame.Flag("isError"));
                }));
                break;
            case "agent_end":
                turn = TakeTurn();
                if (turn is { Aborted: false })
                {
                    await turn.Turn.RecordAsync(sessions, ElapsedMs(turn), logger);
                    LogTurn(turn, "ok");
                }
                else if (turn is not null)
                {
                    LogTurn(turn, "aborted");
                }
                await SendClientAsync(ClientFrames.Frame("done", json =>
                {
                    json.WriteString("sessionId", sessionId);
                    json.WriteString("messageId", turn?.Turn.MessageId ?? _lastMessageId);
                    json.WriteString("content", turn?.Turn.Content ?? "");
                }));
                break;
            case "error":
                if (TakeTurn() is { } failed) LogTurn(failed, "error");
                await SendClientAsync(ClientFrames.Error("upstream_error", "Inference failed", frame.Flag("recoverable")));
                break;
            default:
                await SendClientAsync(frame.Raw);
                break;
        }
    }

    /// <summary>finn closed (<paramref name="closeCode"/>) or dropped (null): tell the client why, then close it.</summary>
    private async Task UpstreamGoneAsync(int? closeCode)
    {
        if (!TryEnd()) return;
        var turn = TakeTurn();
        if (turn is not null) LogTurn(turn, "error");
        if (closeCode is { } code && RelayedCloseCodes.Contains(code))
        {
            if (turn is not null)
            {
                await SendClientAsync(code == 4004
                    ? ClientFrames.Error("session_unavailable", "Session is no longer available", recoverable: false)
                    : ClientFrames.Error("upstream_error", "Inference connection closed", recoverable: false));
            }
            await CloseClientAsync((WebSocketCloseStatus)code, CloseReason(code));
        }
        else
        {
            await SendClientAsync(ClientFrames.Error("upstream_error", "Inference connection lost", recoverable: false));
            await CloseClientAsync(WebSocketCloseStatus.InternalServerError, "Upstream closed");
        }
        await CloseUpstreamAsync(WebSocketCloseStatus.NormalClosure);
    }

    private async Task ShutdownAsync()
    {
        if (!TryEnd()) return;
        if (TakeTurn() is { } turn)
        {
            await SendUpstreamAsync(ClientFrames.Abort);
            LogTurn(turn, "error");
        }
        await SendClientAsync(ClientFrames.Error("shutting_down", "Service is restarting; retry", recoverable: false));
        await CloseClientAsync(WebSocketCloseStatus.EndpointUnavailable, "Service is restarting");
        await CloseUpstreamAsync(WebSocketCloseStatus.EndpointUnavailable);
    }

    private static string CloseReason(int code) => code switch
    {
        1000 => "Idle timeout",
        1001 => "Going away",
        1009 => "Message too large",
        4001 => "Unauthorized",
        4004 => "Session not found",
        _ => "Too many connections",
    };

    private ActiveTurn? TakeTurn()
    {
        lock (_gate)
        {
            var turn = _turn;
            _turn = null;
            return turn;
        }
    }

    private void LogTurn(ActiveTurn turn, string outcome) =>
        ChatTurnLog.Turn(logger, ChatTurnLog.Ws, outcome, ElapsedMs(turn), sessionId, owner);

    private static long ElapsedMs(ActiveTurn turn) => (long)Stopwatch.GetElapsedTime(turn.Started).TotalMilliseconds;

    private async Task SendClientAsync(string json)
    {
        await _clientSend.WaitAsync(CancellationToken.None);
        try
        {
            if (client.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                using var timeout = new CancellationTokenSource(ClientCloseWait);
                await client.SendAsync(Encoding.UTF8.GetBytes(json), WebSocketMessageType.Text, true, timeout.Token);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or ObjectDisposedException or IOException or OperationCanceledException)
        {
            // The client is gone; its reader ends the session.
        }
        finally
        {
            _clientSend.Release();
        }
    }

    private async Task CloseClientAsync(WebSocketCloseStatus status, string reason)
    {
        await _clientSend.WaitAsync(CancellationToken.None);
        try
        {
            if (client.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                using var timeout = new CancellationTokenSource(ClientCloseWait);
                await client.CloseOutputAsync(status, reason, timeout.Token);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or ObjectDisposedException or IOException or OperationCanceledException)
        {
        }
        finally
        {
            _clientSend.Release();
        }
    }

    private async Task SendUpstreamAsync(string json)
    {
        await _upstreamSend.WaitAsync(CancellationToken.None);
        try
        {
            await UpstreamMessage.TrySendAsync(upstream, json);
        }
        finally
        {
            _upstreamSend.Release();
        }
    }

    private async Task CloseUpstreamAsync(WebSocketCloseStatus status)
    {
        await _upstreamSend.WaitAsync(CancellationToken.None);
        try
        {
            await UpstreamMessage.CloseQuietlyAsync(upstream, status, "");
        }
        finally
        {
            _upstreamSend.Release();
        }
    }
}
