using Dixie.Bff.Infrastructure.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Dixie.Bff.Features.Chat.Streaming;

public static class ChatStreamingRegistration
{
    /// <summary>SSE streaming (spec 05 §3), WebSocket tickets (§5) and the finn socket SSE shares with the WebSocket proxy (§6). Needs <c>AddFinnClient</c>, <c>AddPostgres</c> and <c>AddOutbox</c>.</summary>
    public static IServiceCollection AddChatStreaming(this IServiceCollection services, DixieConfig config)
    {
        // The chat endpoints register the same store; whichever comes first wins.
        services.TryAddSingleton<ChatSessionStore>();
        services.AddSingleton<FinnSocket>();
        services.AddSingleton<ChatStreaming>();
        services.AddSingleton<WebSocket.RedisWsTickets>();
        services.AddSingleton<WebSocket.MemoryWsTickets>();
        services.AddSingleton<WebSocket.WsTicketStore>();
        services.AddSingleton<WebSocket.WsProxyRunner>();
        return services;
    }
}
