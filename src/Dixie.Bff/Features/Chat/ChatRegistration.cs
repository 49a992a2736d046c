using Dixie.Bff.Infrastructure.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Dixie.Bff.Features.Chat;

public static class ChatRegistration
{
    /// <summary>The ownership store and chat log, shared with the streaming transports (TryAdd: either side may register first).</summary>
    public static IServiceCollection AddChat(this IServiceCollection services, DixieConfig config)
    {
        _ = config;
        services.TryAddSingleton<ChatSessionStore>();
        services.TryAddSingleton<ChatLog>();
        return services;
    }
}
