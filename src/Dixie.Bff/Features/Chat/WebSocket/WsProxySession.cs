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
internal sealed partial class WsProxySession(
    System.Net.WebSockets.WebSocket client, System.Net.WebSockets.WebSocket upstream, ChatOwner owner, string sessionId,
    ChatSessionStore sessions, ILogger logger, CancellationToken stopping) : IDisposable
{
    public const int MaxClientMessageBytes = 64 * 1024;
    private static readonly TimeSpan ClientCloseWait = TimeSpan.FromSeconds(5);
    private static readonly int[] RelayedCloseCodes = [1000, 1001, 1009, 4001, 4004, 4029];

    private readonly SerializedSocket _client = new(client);
    private readonly SerializedSocket _upstream = new(upstream);
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
        try
        {
            using (stopping.Register(() => _shutdown = ShutdownAsync()))
            {
                await RelayAsync();
            }
            if (_shutdown is { } shutdown) await shutdown;
        }
        finally
        {
            // The upstream socket is always closed (spec 05 §6.4), also when a relay loop failed.
            upstream.Dispose();
        }
    }

    private async Task RelayAsync()
    {
        var clientLoop = ClientLoopAsync();
        var upstreamLoop = UpstreamLoopAsync();
        var first = await Task.WhenAny(clientLoop, upstreamLoop);
        if (first == clientLoop)
        {
            if (clientLoop.IsFaulted)
            {
                // A client loop that failed unexpectedly still releases finn's socket; awaiting it
                // below rethrows, so the failure is logged once by the pipeline.
                client.Abort();
                await ClientGoneAsync();
            }
            await upstreamLoop;
            await clientLoop;
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
        _client.Dispose();
        _upstream.Dispose();
    }

    private bool TryEnd() => Interlocked.Exchange(ref _ended, 1) == 0;

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
        // Once one side has ended the session, late finn frames are not relayed.
        if (Volatile.Read(ref _ended) != 0) return;
        ActiveTurn? turn;
        lock (_gate) turn = _turn;
        if (FrameTranslation.Translate(frame) is var (name, writeData))
        {
            FrameTranslation.Accumulate(frame, turn?.Turn);
            await SendClientAsync(ClientFrames.Frame(name, writeData));
            return;
        }
        switch (frame.Type)
        {
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
        // The client hears first: finn answers an abort with `agent_end`, which must not reach it as a `done`.
        await SendClientAsync(ClientFrames.Error("shutting_down", "Service is restarting; retry", recoverable: false));
        await CloseClientAsync(WebSocketCloseStatus.EndpointUnavailable, "Service is restarting");
        if (TakeTurn() is { } turn)
        {
            await SendUpstreamAsync(ClientFrames.Abort);
            LogTurn(turn, "error");
        }
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
        ChatLog.Turn(logger, ChatTurnLog.Ws, outcome, ElapsedMs(turn), sessionId, owner);

    private static long ElapsedMs(ActiveTurn turn) => (long)Stopwatch.GetElapsedTime(turn.Started).TotalMilliseconds;

    private Task SendClientAsync(string json) => _client.SendAsync(json);

    private Task CloseClientAsync(WebSocketCloseStatus status, string reason) => _client.CloseOutputAsync(status, reason);

    private Task SendUpstreamAsync(string json) => _upstream.SendAsync(json);

    /// <summary>Closes finn's socket and releases it, so its reader ends.</summary>
    private async Task CloseUpstreamAsync(WebSocketCloseStatus status)
    {
        await _upstream.CloseOutputAsync(status, "");
        upstream.Abort();
    }
}
