using System.Diagnostics.Metrics;
using Dixie.Bff.Infrastructure.Telemetry;

namespace Dixie.Bff.Features.Reputation;

/// <summary>The reputation instruments of spec 10 §6 (spec 06 §12).</summary>
public static class ReputationMetrics
{
    private static readonly Counter<long> Events =
        DixieTelemetry.Meter.CreateCounter<long>("dixie.reputation.events", "{event}", "Reputation events by ingest result");

    private static readonly Counter<long> ScoreCache =
        DixieTelemetry.Meter.CreateCounter<long>("dixie.reputation.score_cache", "{lookup}", "Score cache lookups");

    public static readonly Counter<long> QueryDbErrors =
        DixieTelemetry.Meter.CreateCounter<long>("dixie.reputation.query_db_errors", "{error}", "Database errors answered with a null score");

    /// <param name="result">accepted | duplicate | rejected</param>
    public static void CountEvents(string result, int count)
    {
        if (count > 0) Events.Add(count, new KeyValuePair<string, object?>("result", result));
    }

    /// <param name="result">hit | miss</param>
    public static void CacheLookup(string result) => ScoreCache.Add(1, new KeyValuePair<string, object?>("result", result));
}
