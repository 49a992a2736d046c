using System.Diagnostics.Metrics;
using Dixie.Bff.Infrastructure.Telemetry;

namespace Dixie.Bff.Infrastructure.Outbox;

/// <summary>
/// The `dixie.outbox.*` instruments of spec 10 §6. The gauges are database-wide and read only the
/// worker's cached snapshot: a scrape never queries the database.
/// </summary>
internal static class OutboxMetrics
{
    private static OutboxSnapshot snapshot = new(0, 0);

    public static readonly Counter<long> Published =
        DixieTelemetry.Meter.CreateCounter<long>("dixie.outbox.published", "{event}", "Signals published to JetStream");

    public static readonly Counter<long> PublishFailures =
        DixieTelemetry.Meter.CreateCounter<long>("dixie.outbox.publish_failures", "{attempt}", "Failed publish attempts");

    static OutboxMetrics()
    {
        DixieTelemetry.Meter.CreateObservableGauge("dixie.outbox.pending", () => Volatile.Read(ref snapshot).Pending, "{event}",
            "Unpublished outbox rows (database-wide: aggregate with max)");
        DixieTelemetry.Meter.CreateObservableGauge("dixie.outbox.lag", () => Volatile.Read(ref snapshot).LagSeconds, "s",
            "Age of the oldest unpublished outbox row, 0 when none (database-wide: aggregate with max)");
    }

    public static void Update(OutboxSnapshot value) => Volatile.Write(ref snapshot, value);

    public static void CountPublished(string subject) =>
        Published.Add(1, new KeyValuePair<string, object?>("family", SignalSubjects.Family(subject)));

    public static void CountFailure(string reason) =>
        PublishFailures.Add(1, new KeyValuePair<string, object?>("reason", reason));
}

/// <summary>The pending count and the oldest pending row's age, as of the last refresh.</summary>
internal sealed record OutboxSnapshot(long Pending, double LagSeconds);
