using Dixie.Bff.Infrastructure.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Dixie.Bff.Features.Chat.Streaming;

public static class ChatStreamingRegistration
{
    /// <summary>SSE streaming (spec 05 §3) and the finn socket it shares with the WebSocket proxy. Needs <c>AddFinnClient</c>, <c>AddPostgres</c> and <c>AddOutbox</c>.</summary>
    public static IServiceCollection AddChatStreaming(this IServiceCollection services, DixieConfig config)
    {
        // The chat endpoints register the same store; whichever comes first wins.
        services.TryAddSingleton<ChatSessionStore>();
        services.AddSingleton<FinnSocket>();
        services.AddSingleton<ChatStreaming>();
        return services;
    }
}
