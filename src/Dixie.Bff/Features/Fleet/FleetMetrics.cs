using System.Diagnostics.Metrics;
using Dixie.Bff.Infrastructure.Telemetry;

namespace Dixie.Bff.Features.Fleet;

/// <summary>The fleet instruments of spec 10 §6 (spec 07 §6.3).</summary>
public static class FleetMetrics
{
    private static readonly Counter<long> Spawns =
        DixieTelemetry.Meter.CreateCounter<long>("dixie.fleet.spawns", "{spawn}", "Spawn and retry requests by outcome");

    private static readonly Counter<long> Transitions =
        DixieTelemetry.Meter.CreateCounter<long>("dixie.fleet.transitions", "{transition}", "Task status changes by target status");

    private static readonly Counter<long> MonitorCycles =
        DixieTelemetry.Meter.CreateCounter<long>("dixie.fleet.monitor_cycles", "{cycle}", "Monitor cycles by whether this instance acted");

    private static volatile IReadOnlyDictionary<string, long> taskCounts = new Dictionary<string, long>();

    /// <summary>Tasks per status, database-wide, from the last refresh: a scrape never queries the database.</summary>
    private static readonly ObservableGauge<long> Tasks = DixieTelemetry.Meter.CreateObservableGauge("dixie.fleet.tasks",
        () => FleetStatus.All.Select(status => new Measurement<long>(taskCounts.GetValueOrDefault(status), new KeyValuePair<string, object?>("status", status))),
        "{task}", "Fleet tasks by status (database-wide, refreshed every 30 s)");

    public static void StoreTaskCounts(IReadOnlyDictionary<string, long> counts)
    {
        _ = Tasks;
        taskCounts = counts;
    }

    /// <param name="outcome">created | replayed | denied | failed</param>
    public static void CountSpawn(string outcome) => Spawns.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    public static void CountTransition(string to) => Transitions.Add(1, new KeyValuePair<string, object?>("to", to));

    public static void CountCycle(bool acted) => MonitorCycles.Add(1, new KeyValuePair<string, object?>("acted", acted ? "true" : "false"));
}
