using System.Diagnostics;
using Dixie.Bff.Infrastructure.Configuration;
using Dixie.Bff.Infrastructure.Finn;
using Dixie.Bff.Infrastructure.Http;

namespace Dixie.Bff.Features.Chat.Streaming;

/// <summary>
/// `POST /api/chat` as Server-Sent Events (spec 05 §3). Everything that can fail before the stream
/// starts — the session, the breaker, the upstream handshake — is answered as ordinary JSON; once
/// the 200 is sent, <see cref="SseTurn"/> ends it with exactly one `done` or `error` event.
/// </summary>
public sealed class ChatStreaming(
    ChatSessionStore sessions, FinnSocket finnSocket, DixieConfig config, TimeProvider clock, IHostApplicationLifetime lifetime, ILogger<ChatStreaming> logger)
{
    /// <summary>Called by the chat endpoint after validation and access (spec 05 §2.1) when streaming is chosen.</summary>
    public async Task StreamAsync(HttpContext context, ChatTurnRequest turn, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        var caller = new FinnCallContext(context.TraceIdentifier, context.ClientIp()?.ToString(),
            turn.Owner.Kind == Infrastructure.Outbox.CallerKind.Wallet ? turn.Owner.Id : null);
        string sessionId;
        string? createdSessionId = null;
        if (turn.SessionId is { } existing)
        {
            if (await sessions.FindOwnedAsync(existing, turn.Owner, ct) is null)
            {
                await ApiErrors.WriteAsync(context, StatusCodes.Status404NotFound, "not_found", "Session not found");
                return;
            }
            sessionId = existing;
        }
        else
        {
            if (await CreateSessionAsync(context, turn.Owner, caller, ct) is not { } created)
            {
                ChatLog.Turn(logger, ChatTurnLog.Sse, "error", ElapsedMs(started), null, turn.Owner);
                return;
            }
            sessionId = createdSessionId = created;
        }

        FinnSocketHandshake handshake;
        try
        {
            handshake = await finnSocket.ConnectAsync(sessionId, caller, ct);
        }
        catch (FinnCallException failure)
        {
            await FinnErrors.WriteAsync(context, FinnErrors.Map(failure), createdSessionId);
            ChatLog.Turn(logger, ChatTurnLog.Sse, "error", ElapsedMs(started), sessionId, turn.Owner);
            return;
        }
        if (handshake.Socket is not { } socket)
        {
            await FinnErrors.WriteAsync(context, FinnErrors.ForAnswer(handshake.Status, code: null), createdSessionId);
            ChatLog.Turn(logger, ChatTurnLog.Sse, "error", ElapsedMs(started), sessionId, turn.Owner);
            return;
        }

        var run = new SseTurn(context, socket, new StreamedTurn(turn.Owner, sessionId, context.TraceIdentifier, turn.Prompt.Length, createdSessionId is not null),
            sessions, config.Finn.Timeout, clock, logger, lifetime.ApplicationStopping);
        await run.RunAsync(turn.Prompt, started);
    }

    /// <summary>Spec 05 §2.2 steps 1–2; null when the failure has already been answered.</summary>
    private async Task<string?> CreateSessionAsync(HttpContext context, ChatOwner owner, FinnCallContext caller, CancellationToken ct)
    {
        var finn = context.RequestServices.GetRequiredService<FinnClient>();
        FinnResponse<FinnSessionCreated> response;
        try
        {
            response = await finn.CreateSessionAsync(new { agentId = "oracle" }, caller, ct);
        }
        catch (FinnCallException failure)
        {
            await FinnErrors.WriteAsync(context, FinnErrors.Map(failure));
            return null;
        }
        if (!response.IsSuccess)
        {
            await FinnErrors.WriteAsync(context, FinnErrors.ForAnswer(response.Status, response.Code));
            return null;
        }
        var sessionId = response.Value!.SessionId;
        if (!SessionIds.IsValid(sessionId) || !await sessions.CreateAsync(sessionId, owner, ct))
        {
            await FinnErrors.WriteAsync(context, FinnErrors.Malformed);
            return null;
        }
        return sessionId;
    }

    private static long ElapsedMs(long started) => (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
}
