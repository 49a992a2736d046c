using Dixie.Bff.Infrastructure.Redis;
using Microsoft.Extensions.Logging;

namespace Dixie.Bff.Infrastructure.RateLimiting;

/// <summary>
/// The outage bookkeeping of spec 02 §10.7: the first Redis failure after a healthy period logs
/// `rate_limit_redis_fallback` once and sends requests straight to the in-process limiter for 5 s;
/// then Redis is tried again, and the first success after the failure logs `rate_limit_redis_recovered`.
/// </summary>
internal sealed class RedisFallbackWindow(TimeProvider timeProvider, ILogger logger)
{
    private readonly RedisOutage outage = new(timeProvider);

    /// <summary>False while the 5 s after a failure last.</summary>
    public bool ShouldTryRedis(long now) => outage.ShouldTry(now);

    public void Failed(Exception? error)
    {
        if (outage.Failed()) RateLimitLog.RedisFallback(logger, error);
    }

    /// <summary>Ends the outage only when the successful call started after its last failure.</summary>
    public void Succeeded(long startedAt)
    {
        if (outage.Succeeded(startedAt)) RateLimitLog.RedisRecovered(logger);
    }
}
