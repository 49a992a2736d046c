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
}
