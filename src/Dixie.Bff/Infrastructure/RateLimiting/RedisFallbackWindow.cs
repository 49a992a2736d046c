using Microsoft.Extensions.Logging;

namespace Dixie.Bff.Infrastructure.RateLimiting;

/// <summary>
/// The outage bookkeeping of spec 02 §10.7: the first Redis failure after a healthy period logs
/// `rate_limit_redis_fallback` once and sends requests straight to the in-process limiter for 5 s;
/// then Redis is tried again, and the first success after the failure logs `rate_limit_redis_recovered`.
/// </summary>
internal sealed class RedisFallbackWindow(TimeProvider timeProvider, ILogger logger)
{
    public static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(5);

    private readonly Lock gate = new();
    private bool failing;
    private long failedAt;
    private long retryAt;

    /// <summary>False while the 5 s after a failure last.</summary>
    public bool ShouldTryRedis(long now)
    {
        lock (gate)
        {
            return !failing || now >= retryAt;
        }
    }

    public void Failed(Exception? error)
    {
        bool first;
        lock (gate)
        {
            first = !failing;
            failing = true;
            failedAt = timeProvider.GetTimestamp();
            retryAt = failedAt + (long)(RetryAfter.TotalSeconds * timeProvider.TimestampFrequency);
        }

        if (first) RateLimitLog.RedisFallback(logger, error);
    }

    /// <summary>
    /// A success ends the outage only when its call started after the last failure: a slow call sent
    /// before Redis went down proves nothing about now.
    /// </summary>
    public void Succeeded(long startedAt)
    {
        lock (gate)
        {
            if (!failing || startedAt < failedAt) return;
            failing = false;
        }

        RateLimitLog.RedisRecovered(logger);
    }
}
