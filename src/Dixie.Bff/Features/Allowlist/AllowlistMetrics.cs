using System.Diagnostics.Metrics;
using Dixie.Bff.Infrastructure.Telemetry;

namespace Dixie.Bff.Features.Allowlist;

/// <summary>The allowlist instrument of spec 10 §6.</summary>
internal static class AllowlistMetrics
{
    /// <summary>`dixie_allowlist_reload_failures_total`: reloads that kept the previous list.</summary>
    public static readonly Counter<long> ReloadFailures =
        DixieTelemetry.Meter.CreateCounter<long>("dixie.allowlist.reload_failures", "{reload}", "Allowlist reloads that failed and kept the previous list");
}
