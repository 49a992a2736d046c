using Dixie.Bff.Infrastructure.Logging;

namespace Dixie.Bff.Features.Agents.Conviction;

internal static partial class ConvictionLog
{
    [LoggerMessage(EventId = 700, EventName = LogEvents.ConvictionCacheUnavailable, Level = LogLevel.Warning,
        Message = "Conviction cache in Redis unavailable ({ErrorClass}); using the in-process cache")]
    public static partial void CacheUnavailable(ILogger logger, string errorClass);
}
