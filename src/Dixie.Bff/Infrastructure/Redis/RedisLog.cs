using Dixie.Bff.Infrastructure.Logging;
using Microsoft.Extensions.Logging;

namespace Dixie.Bff.Infrastructure.Redis;

internal static partial class RedisLog
{
    [LoggerMessage(EventId = 1300, EventName = LogEvents.RedisConnected, Level = LogLevel.Information,
        Message = "Redis connected")]
    public static partial void Connected(ILogger logger);

    [LoggerMessage(EventId = 1301, EventName = LogEvents.RedisUnavailable, Level = LogLevel.Warning,
        Message = "Redis unavailable ({ErrorClass}); features fall back until it returns")]
    public static partial void Unavailable(ILogger logger, string errorClass);

    [LoggerMessage(EventId = 1302, EventName = LogEvents.RedisRestored, Level = LogLevel.Information,
        Message = "Redis connection restored")]
    public static partial void Restored(ILogger logger);

    [LoggerMessage(EventId = 1303, EventName = LogEvents.RedisEvictionPolicy, Level = LogLevel.Warning,
        Message = "Redis maxmemory-policy is {Policy}, not noeviction: nonces, revocations and tickets may be evicted")]
    public static partial void EvictionPolicy(ILogger logger, string policy);

    [LoggerMessage(EventId = 1304, Level = LogLevel.Debug,
        Message = "Redis maxmemory-policy could not be read")]
    public static partial void EvictionPolicyUnknown(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 1305, EventName = LogEvents.HealthProbeFailed, Level = LogLevel.Warning,
        Message = "Health probe of {Dependency} failed: {Reason}")]
    public static partial void ProbeFailed(ILogger logger, string dependency, string reason, Exception? exception);
}
