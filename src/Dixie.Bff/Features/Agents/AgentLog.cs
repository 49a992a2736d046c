using Dixie.Bff.Infrastructure.Logging;

namespace Dixie.Bff.Features.Agents;

internal static partial class AgentLog
{
    [LoggerMessage(EventId = 710, EventName = LogEvents.AgentKnowledgeFallback, Level = LogLevel.Warning,
        Message = "Knowledge metadata unavailable ({Reason}); answering the empty corpus")]
    public static partial void KnowledgeFallback(ILogger logger, string reason);
}
