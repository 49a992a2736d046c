namespace Dixie.Bff.Features.Chat.WebSocket;

public static class ChatWebSocketApi
{
    /// <summary>
    /// The ticket endpoint behind the allowlist gate (spec 05 §5) and everything under `/ws`, which
    /// only the proxy handler answers (spec 05 §6): outside `/api`, so its checks are its own.
    /// </summary>
    public static IEndpointRouteBuilder MapChatWebSocket(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/api/ws/ticket", WsTicketEndpoint.IssueAsync).WithTags("chat");
        endpoints.Map("/ws/{**rest}", WsProxyEndpoint.HandleAsync).ExcludeFromDescription();
        return endpoints;
    }
}
