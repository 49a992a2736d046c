using System.Globalization;
using Dixie.Bff.Features.Allowlist;
using Dixie.Bff.Features.Auth;
using Dixie.Bff.Features.Chat.Streaming;
using Dixie.Bff.Infrastructure.Configuration;
using Dixie.Bff.Infrastructure.Finn;
using Dixie.Bff.Infrastructure.Http;
using Dixie.Bff.Infrastructure.Logging;
using Dixie.Bff.Infrastructure.Outbox;

namespace Dixie.Bff.Features.Chat.WebSocket;

/// <summary>
/// `/ws/chat/{sessionId}?ticket=…` (spec 05 §6.1): every check runs before the upgrade, in the spec's
/// order, and a failure is a D4 JSON answer with `Connection: close`. The session id is validated
/// before the ticket is consumed, so a malformed URL never burns a ticket.
/// </summary>
public static partial class WsProxyEndpoint
{
    public static async Task HandleAsync(HttpContext context, string? rest, DixieConfig config, WsTicketStore tickets,
        RevocationStore revocations, CurrentAllowlist allowlist, ChatSessionStore sessions, FinnSocket finnSocket, WsProxyRunner runner,
        ILogger<WsProxyRunner> logger)
    {
        var segments = (rest ?? "").Split('/');
        if (segments is not ["chat", { Length: > 0 } sessionId])
        {
            await RefuseAsync(context, 404, "not_found", "Not found");
            return;
        }
        if (!context.WebSockets.IsWebSocketRequest)
        {
            await RefuseAsync(context, 400, "invalid_request", "WebSocket upgrade required");
            return;
        }
        if (!OriginAllowed(context.Request.Headers.Origin, config.Http.CorsOrigins))
        {
            await RefuseAsync(context, 403, "forbidden", "Origin not allowed");
            return;
        }
        if (context.Request.Query["ticket"] is not [{ Length: > 0 } ticket])
        {
            LogTicketRejected(logger, "missing_ticket", null);
            await RefuseAsync(context, 401, "missing_ticket", "WebSocket ticket required");
            return;
        }
        if (!SessionIds.IsValid(sessionId))
        {
            LogTicketRejected(logger, "invalid_session_id", WsTicket.Hash(ticket));
            await RefuseAsync(context, 401, "invalid_session_id", "Invalid session ID format");
            return;
        }

        var (redemption, record) = await tickets.ConsumeAsync(ticket);
        if (redemption == WsTicketRedemption.Unavailable)
        {
            await RefuseAsync(context, 503, "ticket_store_unavailable", "WebSocket tickets temporarily unavailable");
            return;
        }
        var issuedAt = DateTimeOffset.FromUnixTimeMilliseconds(record?.IssuedAtMs ?? 0);
        if (record is null || await revocations.IsRevokedAsync(record.Jti, record.Wallet, issuedAt.ToUnixTimeSeconds(),
                issuedAt + WsTicket.Lifetime, context.RequestAborted))
        {
            LogTicketRejected(logger, "invalid_ticket", WsTicket.Hash(ticket));
            await RefuseAsync(context, 401, "invalid_ticket", "Invalid or expired ticket");
            return;
        }
        if (!allowlist.Snapshot.ContainsWallet(record.Wallet))
        {
            await RefuseAsync(context, 403, "forbidden", "Not authorized");
            return;
        }
        var owner = new ChatOwner(record.Wallet, CallerKind.Wallet);
        if (await sessions.FindOwnedAsync(sessionId, owner, context.RequestAborted) is null)
        {
            await RefuseAsync(context, 404, "not_found", "Session not found");
            return;
        }

        FinnSocketHandshake handshake;
        try
        {
            var caller = new FinnCallContext(context.TraceIdentifier, context.ClientIp()?.ToString(), record.Wallet);
            handshake = await finnSocket.ConnectAsync(sessionId, caller, context.RequestAborted);
        }
        catch (FinnCallException failure) when (failure.Kind == FinnFailureKind.Circuit)
        {
            var seconds = Math.Max(1, (long)Math.Ceiling((failure.RetryAfter ?? TimeSpan.FromSeconds(1)).TotalSeconds));
            context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            await RefuseAsync(context, 503, "circuit_open", "Service temporarily unavailable (circuit breaker open)");
            return;
        }
        catch (FinnCallException failure) when (failure.Kind is FinnFailureKind.Network or FinnFailureKind.Timeout)
        {
            await RefuseAsync(context, 502, "upstream_unavailable", "Inference service unreachable");
            return;
        }
        catch (FinnCallException failure)
        {
            await RefuseAsync(context, 502, "upstream_error", $"Upstream error (HTTP {failure.Status})");
            return;
        }
        if (handshake.Socket is not { } upstream)
        {
            await RefuseAsync(context, 502, "upstream_error", $"Upstream error (HTTP {handshake.Status})");
            return;
        }

        System.Net.WebSockets.WebSocket client;
        try
        {
            client = await context.WebSockets.AcceptWebSocketAsync();
        }
        catch
        {
            // The client went away between the handshake with finn and its own upgrade.
            upstream.Dispose();
            throw;
        }
        await runner.RunAsync(client, upstream, owner, sessionId);
    }

    /// <summary>Absent, or one of `DIXIE_CORS_ORIGINS` with one trailing `/` ignored.</summary>
    private static bool OriginAllowed(Microsoft.Extensions.Primitives.StringValues origin, IReadOnlyList<string> allowed)
    {
        if (origin.Count == 0) return true;
        if (origin.Count > 1 || origin[0] is not { } value) return false;
        if (value.EndsWith('/')) value = value[..^1];
        return allowed.Contains(value, StringComparer.Ordinal);
    }

    private static Task RefuseAsync(HttpContext context, int status, string error, string message)
    {
        context.Response.Headers.Connection = "close";
        return ApiErrors.WriteAsync(context, status, error, message);
    }

    [LoggerMessage(EventId = 5010, EventName = LogEvents.WsTicketRejected, Level = LogLevel.Information, Message = "WebSocket ticket rejected: {Reason}")]
    private static partial void LogTicketRejected(ILogger logger, string reason, string? ticketHash);
}
