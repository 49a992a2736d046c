using System.Diagnostics;
using System.Net.WebSockets;
using System.Text.Json;

namespace Dixie.Bff.Features.Chat.Streaming;

/// <summary>
/// One started SSE stream (spec 05 §3.2–§3.3): finn frames become events, a comment keeps idle
/// connections open every 15 s, and the stream ends with exactly one `done` or `error` — except when
/// the client is gone, which sends `abort` upstream and writes nothing more.
/// </summary>
public sealed class SseTurn(
    HttpContext context, System.Net.WebSockets.WebSocket upstream, StreamedTurn turn, ChatSessionStore sessions,
    TimeSpan frameTimeout, TimeProvider clock, ILogger logger, CancellationToken stopping)
{
    public static readonly TimeSpan HeartbeatInterval = TimeSpan.FromSeconds(15);

    /// <summary>How long an `error` frame waits for the close that would say the session is gone.</summary>
    private static readonly TimeSpan SessionGoneWait = TimeSpan.FromMilliseconds(250);

    private readonly SseWriter _sse = new(context.Response);
    private readonly CancellationToken _clientGone = context.RequestAborted;

    public async Task RunAsync(string prompt, long started)
    {
        using var active = ChatTurnLog.TrackStream(ChatTurnLog.Sse);
        var outcome = "error";
        Task<UpstreamMessage>? pending = null;
        try
        {
            await _sse.StartAsync(turn.SessionId);
            await UpstreamMessage.TrySendAsync(upstream, JsonSerializer.Serialize(new PromptFrame("prompt", prompt), StreamingJson.Default.PromptFrame));
            outcome = await RelayAsync(started, p => pending = p);
        }
        catch (Exception) when (_clientGone.IsCancellationRequested)
        {
            outcome = "disconnected";
        }
        catch (Exception ex)
        {
            ChatTurnLog.StreamFailed(logger, ex);
            await TryWriteErrorAsync("internal_error", "Internal error");
        }
        finally
        {
            if (outcome == "disconnected") await UpstreamMessage.TrySendAsync(upstream, AbortFrame);
            await UpstreamMessage.CloseQuietlyAsync(upstream, WebSocketCloseStatus.NormalClosure, "");
            if (pending is not null) await pending;
            ChatLog.Turn(logger, ChatTurnLog.Sse, outcome, (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds, turn.SessionId, turn.Owner);
        }
    }

    private const string AbortFrame = """{"type":"abort"}""";

    /// <summary>Relays until the turn ends; returns the `chat_turn` outcome.</summary>
    private async Task<string> RelayAsync(long started, Action<Task<UpstreamMessage>?> track)
    {
        var lastEvent = clock.GetUtcNow();
        var lastFrame = lastEvent;
        Task<UpstreamMessage>? pending = null;
        while (true)
        {
            if (pending is null) track(pending = UpstreamMessage.ReceiveAsync(upstream));
            var now = clock.GetUtcNow();
            if (!pending.IsCompleted)
            {
                if (now >= lastFrame + frameTimeout)
                {
                    await UpstreamMessage.TrySendAsync(upstream, AbortFrame);
                    await _sse.WriteErrorAsync("upstream_timeout", "Inference timed out");
                    return "error";
                }
                if (now >= lastEvent + HeartbeatInterval)
                {
                    await _sse.WriteKeepAliveAsync();
                    lastEvent = now;
                    continue;
                }
                await WaitAsync(pending, Earlier(lastFrame + frameTimeout, lastEvent + HeartbeatInterval) - now);
                if (_clientGone.IsCancellationRequested) return "disconnected";
                if (stopping.IsCancellationRequested)
                {
                    await UpstreamMessage.TrySendAsync(upstream, AbortFrame);
                    await _sse.WriteErrorAsync("shutting_down", "Service is restarting; retry");
                    return "error";
                }
                continue;
            }

            var message = await pending;
            track(pending = null);
            lastFrame = clock.GetUtcNow();
            switch (message.Kind)
            {
                case UpstreamMessageKind.Closed when message.CloseCode == 4004:
                    await _sse.WriteErrorAsync("session_unavailable", "Session is no longer available");
                    return "error";
                case UpstreamMessageKind.Closed or UpstreamMessageKind.Dropped:
                    await _sse.WriteErrorAsync("upstream_error", "Inference stream ended unexpectedly");
                    return "error";
                case UpstreamMessageKind.Binary:
                    ChatTurnLog.FrameInvalid(logger);
                    continue;
            }
            if (FinnFrame.TryParse(message.Text!) is not { } frame)
            {
                ChatTurnLog.FrameInvalid(logger);
                continue;
            }
            if (FrameTranslation.Translate(frame) is var (name, writeData))
            {
                FrameTranslation.Accumulate(frame, turn);
                await _sse.WriteEventAsync(name, writeData);
                lastEvent = clock.GetUtcNow();
                continue;
            }
            switch (frame.Type)
            {
                case "agent_end":
                    await turn.RecordAsync(sessions, (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds, logger);
                    await _sse.WriteEventAsync("done", json =>
                    {
                        json.WriteString("sessionId", turn.SessionId);
                        json.WriteString("messageId", turn.MessageId);
                        json.WriteString("content", turn.Content);
                    });
                    return "ok";
                case "error":
                    // finn answers for a session it no longer has with an error frame and then close 4004
                    // (spec 11 §5.1); when that close follows at once, it decides what the client is told.
                    track(pending = UpstreamMessage.ReceiveAsync(upstream));
                    await Task.WhenAny(pending, Task.Delay(SessionGoneWait, CancellationToken.None));
                    var sessionGone = pending.IsCompleted && await pending is { Kind: UpstreamMessageKind.Closed, CloseCode: 4004 };
                    if (pending.IsCompleted) track(pending = null);
                    if (sessionGone) await _sse.WriteErrorAsync("session_unavailable", "Session is no longer available");
                    else await _sse.WriteErrorAsync("upstream_error", "Inference failed");
                    return "error";
                default:
                    // turn_end, compaction, billing and control frames are not part of the SSE vocabulary.
                    continue;
            }
        }
    }

    /// <summary>Until the frame arrives, the wait elapses, the client leaves or the service stops.</summary>
    private async Task WaitAsync(Task pending, TimeSpan wait)
    {
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(_clientGone, stopping);
        var delay = Task.Delay(wait, clock, cancel.Token);
        await Task.WhenAny(pending, delay);
        await cancel.CancelAsync();
    }

    private async Task TryWriteErrorAsync(string code, string message)
    {
        try
        {
            await _sse.WriteErrorAsync(code, message);
        }
        catch (Exception) when (context.Response.HasStarted)
        {
            // The client is gone or the response is broken; nothing more can reach it.
        }
    }

    private static DateTimeOffset Earlier(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;
}
