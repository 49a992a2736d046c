namespace Dixie.Bff.Features.Chat.WebSocket;

public static class ChatWebSocketApi
{
    /// <summary>The ticket endpoint behind the allowlist gate (spec 05 §5).</summary>
    public static IEndpointRouteBuilder MapChatWebSocket(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/api/ws/ticket", WsTicketEndpoint.IssueAsync).WithTags("chat");
        return endpoints;
    }
}
