using System.Net.WebSockets;
using Dixie.FinnEmulator.Faults;
using Dixie.FinnEmulator.Replies;

namespace Dixie.FinnEmulator.WebSockets;

/// <summary>
/// One answered prompt (spec 11 §5.3): optional tool pair, 16-unit text deltas, <c>turn_end</c>,
/// <c>agent_end</c>, shaped by a <c>[[fault:…]]</c> directive in the prompt (spec 11 §7.1).
/// </summary>
internal sealed class WsTurn(WsConnection connection, WsServices services)
{
    public async Task RunAsync(string text, CancellationToken abort)
    {
        var directive = new FaultDirective();
        if (FaultDirective.TryFindInText(text, out var found, out var valid))
        {
            if (!valid)
            {
                await connection.SendAsync(WsFrames.Error("Invalid fault directive", recoverable: true));
                return;
            }
            directive = found;
        }
        if (directive.Close)
        {
            connection.Context.Abort();
            return;
        }

        var session = connection.Session;
        session.BeginStreaming();
        try
        {
            if (await RunFramesAsync(text, directive, abort))
            {
                services.Sessions.RecordExchange(session);
            }
        }
        finally
        {
            session.EndStreaming();
        }
    }

    /// <summary>True when the turn reached <c>agent_end</c> (normally or through abort).</summary>
    private async Task<bool> RunFramesAsync(string text, FaultDirective directive, CancellationToken abort)
    {
        try
        {
            if (directive.DelayMs > 0)
            {
                await Task.Delay(directive.DelayMs, abort);
            }
            var sent = 0;
            if (directive.NonJson)
            {
                await connection.SendAsync(WsFrames.NonJson);
                sent++;
            }
            var deltas = 0;
            foreach (var (frame, isDelta) in Frames(text))
            {
                if (sent++ > 0 && directive.FrameDelayMs > 0)
                {
                    await Task.Delay(directive.FrameDelayMs, abort);
                }
                abort.ThrowIfCancellationRequested();
                await connection.SendAsync(frame);
                if (isDelta && ++deltas == 1)
                {
                    if (directive.WsDrop)
                    {
                        // Kestrel discards output still queued for the socket when the connection is
                        // aborted; a moment lets the delta reach the client first.
                        await Task.Delay(50, CancellationToken.None);
                        connection.Context.Abort();
                        return false;
                    }
                    if (directive.WsError || directive.Status is not null)
                    {
                        await connection.SendAsync(WsFrames.Error("Emulated failure", recoverable: false));
                        await connection.CloseAsync(WebSocketCloseStatus.InternalServerError, "Emulated failure");
                        return false;
                    }
                }
            }
            // frame-delay holds between every two frames, agent_end included (spec 11 §7.1).
            if (directive.FrameDelayMs > 0)
            {
                await Task.Delay(directive.FrameDelayMs, abort);
            }
        }
        catch (OperationCanceledException) when (abort.IsCancellationRequested)
        {
            // Aborted by the client (or the connection is closing, in which case the send is skipped).
        }
        await connection.SendAsync(WsFrames.AgentEnd);
        return true;
    }

    private static IEnumerable<(byte[] Frame, bool IsDelta)> Frames(string text)
    {
        if (Reply.TriggersTool(text))
        {
            yield return (WsFrames.ToolStart(Reply.ToolName, text), false);
            yield return (WsFrames.ToolEnd(Reply.ToolName, Reply.Digest(text)), false);
        }
        foreach (var piece in Reply.Pieces(Reply.For(text)))
        {
            yield return (WsFrames.TextDelta(piece), true);
        }
        yield return (WsFrames.TurnEnd, false);
    }
}
