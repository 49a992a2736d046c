using System.Net.WebSockets;
using Dixie.FinnEmulator.Admin;
using Dixie.FinnEmulator.Hosting;

namespace Dixie.FinnEmulator.WebSockets;

/// <summary>finn's WebSocket upgrade, <c>/ws/{id}</c> and the lenient <c>/ws/chat/{id}</c> (spec 11 §5.1).</summary>
public static class WsApi
{
    public static RouteGroupBuilder MapWebSockets(this RouteGroupBuilder ws)
    {
        // finn takes everything after /ws/ as the session id; the emulator also accepts /ws/chat/{id}
        // unless strict, where chat/{id} is looked up like finn does (and is unknown).
        ws.MapGet("/ws/chat/{id}", (HttpContext context, string id, WsServices services) =>
            UpgradeAsync(context, services.Options.Strict ? "chat/" + id : id, services));
        ws.MapGet("/ws/{**id}", (HttpContext context, string id, WsServices services) => UpgradeAsync(context, id, services));
        return ws;
    }

    private static async Task UpgradeAsync(HttpContext context, string sessionId, WsServices services)
    {
        var entry = context.Features.Get<WsUpgradeEntry>();
        entry?.SessionId = sessionId;
        if (services.Bearer.Enabled && !services.Bearer.Matches(context.Request.Query["token"].ToString()))
        {
            // finn refuses the upgrade with a bare 401.
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            context.Response.ContentLength = 0;
            entry?.Outcome = "rejected:401";
            return;
        }

        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        entry?.Outcome = "accepted";
        var ip = ClientIp(context);
        if (!services.Registry.TryTakeSlot(ip, services.Options.WsPerIp))
        {
            await CloseAtOnceAsync(socket, (WebSocketCloseStatus)4029, "Too many connections from this IP");
            return;
        }
        try
        {
            if (services.Sessions.Find(sessionId) is not { } session)
            {
                await socket.SendAsync(WsFrames.Error("Session not found", recoverable: false), WebSocketMessageType.Text, true, context.RequestAborted);
                await CloseAtOnceAsync(socket, (WebSocketCloseStatus)4004, "Session not found");
                return;
            }
            var connection = new WsConnection(socket, context, session, services);
            services.Registry.Add(connection);
            try
            {
                await connection.RunAsync();
            }
            finally
            {
                services.Registry.Remove(connection);
                EmulatorLog.WebSocketEnded(context.RequestServices.GetRequiredService<ILogger<WsConnection>>(), sessionId);
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException)
        {
            // The client went away during the handshake's aftermath.
        }
        finally
        {
            services.Registry.ReleaseSlot(ip);
        }
    }

    /// <summary>finn's client IP: <c>CF-Connecting-IP</c>, else the first <c>X-Forwarded-For</c> item, else the socket.</summary>
    public static string ClientIp(HttpContext context)
    {
        var headers = context.Request.Headers;
        if (headers["CF-Connecting-IP"].ToString() is { Length: > 0 } cloudflare)
        {
            return cloudflare.Trim();
        }
        if (headers["X-Forwarded-For"].ToString() is { Length: > 0 } forwarded)
        {
            var first = forwarded.Split(',')[0].Trim();
            if (first.Length > 0)
            {
                return first;
            }
        }
        return context.Connection.RemoteIpAddress?.ToString() ?? "";
    }

    /// <summary>Close handshake for a connection that is refused after the upgrade.</summary>
    private static async Task CloseAtOnceAsync(WebSocket socket, WebSocketCloseStatus status, string reason)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(1));
        try
        {
            await socket.CloseOutputAsync(status, reason, timeout.Token);
            var buffer = new byte[1024];
            while ((await socket.ReceiveAsync(buffer, timeout.Token)).MessageType != WebSocketMessageType.Close)
            {
                // Drain until the client's close frame.
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException)
        {
            // Closed by the other side or timed out; either way it is over.
        }
    }
}
