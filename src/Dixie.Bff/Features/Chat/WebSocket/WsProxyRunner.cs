namespace Dixie.Bff.Features.Chat.WebSocket;

/// <summary>Starts the relay of one accepted WebSocket with the process-wide pieces it needs.</summary>
public sealed class WsProxyRunner(ChatSessionStore sessions, IHostApplicationLifetime lifetime, ILogger<WsProxyRunner> logger)
{
    public async Task RunAsync(System.Net.WebSockets.WebSocket client, System.Net.WebSockets.WebSocket upstream, ChatOwner owner, string sessionId)
    {
        using var session = new WsProxySession(client, upstream, owner, sessionId, sessions, logger, lifetime.ApplicationStopping);
        await session.RunAsync();
    }
}
