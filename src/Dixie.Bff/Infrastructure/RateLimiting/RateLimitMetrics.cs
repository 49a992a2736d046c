using System.Diagnostics.Metrics;
using Dixie.Bff.Infrastructure.Telemetry;

namespace Dixie.Bff.Infrastructure.RateLimiting;

/// <summary>The `dixie.rate_limit.*` instruments of spec 10 §6 for the `/api` limiter.</summary>
internal static class RateLimitMetrics
{
    public const string RedisBackend = "redis";
    public const string MemoryBackend = "memory";

    public static readonly Counter<long> Rejected =
        DixieTelemetry.Meter.CreateCounter<long>("dixie.rate_limit.rejected", "{request}", "Requests answered 429 by a rate limiter");

    public static readonly Counter<long> RedisFallback =
        DixieTelemetry.Meter.CreateCounter<long>("dixie.rate_limit.redis_fallback", "{request}",
            "Requests the in-process limiter decided because Redis failed or was in its 5 s back-off");

    public static void CountRejected(string limiter, string backend) =>
        Rejected.Add(1, new KeyValuePair<string, object?>("limiter", limiter), new KeyValuePair<string, object?>("backend", backend));
}
