using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Reflection;

namespace Dixie.Bff.Infrastructure.Telemetry;

/// <summary>The service's own activity source and meter, both named `dixie-bff` (spec 10 §5–§6).</summary>
public static class DixieTelemetry
{
    public const string Name = "dixie-bff";

    /// <summary>The assembly's informational version, exactly as built (spec 03 §2).</summary>
    public static string Version { get; } =
        typeof(DixieTelemetry).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";

    public static ActivitySource Source { get; } = new(Name, Version);

    public static Meter Meter { get; } = new(Name, Version);

    /// <summary>
    /// A gauge with one `state` series per state: 1 for the one <paramref name="current"/> names, 0 for
    /// the others (spec 10 §6: the circuit and NATS connection states). Read once per collection.
    /// </summary>
    public static void CreateStateGauge(string name, string description, IReadOnlyList<string> states, Func<string> current) =>
        Meter.CreateObservableGauge(name, () =>
        {
            var now = current();
            return states.Select(state => new Measurement<int>(state == now ? 1 : 0, new KeyValuePair<string, object?>("state", state)));
        }, "{state}", description);
}
