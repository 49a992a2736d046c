using Dixie.Bff.Infrastructure.Logging;
using Microsoft.Extensions.Logging;

namespace Dixie.Bff.Infrastructure.RateLimiting;

internal static partial class RateLimitLog
{
    [LoggerMessage(EventId = 1600, EventName = LogEvents.RateLimitRedisFallback, Level = LogLevel.Warning,
        Message = "Redis rate limiting failed; requests are limited in process until Redis answers again")]
    public static partial void RedisFallback(ILogger logger, Exception? exception);

    [LoggerMessage(EventId = 1601, EventName = LogEvents.RateLimitRedisRecovered, Level = LogLevel.Information,
        Message = "Redis rate limiting recovered")]
    public static partial void RedisRecovered(ILogger logger);
}
