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

    /// <param name="outcome">created | replayed | denied | failed</param>
    public static void CountSpawn(string outcome) => Spawns.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    public static void CountTransition(string to) => Transitions.Add(1, new KeyValuePair<string, object?>("to", to));

    public static void CountCycle(bool acted) => MonitorCycles.Add(1, new KeyValuePair<string, object?>("acted", acted ? "true" : "false"));
}
