using System.Diagnostics.Metrics;
using Dixie.Bff.Infrastructure.Telemetry;

namespace Dixie.Bff.Infrastructure.Finn;

/// <summary>The finn instruments of spec 10 §6.</summary>
internal static class FinnMetrics
{
    private static readonly string[] States = ["closed", "open", "half_open"];
    private static Func<string>? _stateSource;

    public static readonly Counter<long> CircuitTransitions =
        DixieTelemetry.Meter.CreateCounter<long>("dixie.finn.circuit.transitions", "{transition}", "Circuit breaker transitions towards loa-finn");

    public static readonly Histogram<double> RequestDuration =
        DixieTelemetry.Meter.CreateHistogram("dixie.finn.request.duration", "s", "Duration of loa-finn calls",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60] });

    static FinnMetrics()
    {
        DixieTelemetry.CreateStateGauge("dixie.finn.circuit.state", "1 for the breaker's current state, 0 for the others",
            States, () => _stateSource?.Invoke() ?? "closed");
    }

    /// <summary>The `outcome` label of <see cref="RequestDuration"/> for a call that threw.</summary>
    public static string OutcomeOf(FinnCallException failure) => failure.Kind switch
    {
        FinnFailureKind.Timeout => "timeout",
        FinnFailureKind.Network => "network_error",
        FinnFailureKind.Circuit => "circuit_open",
        _ => "upstream_5xx",
    };

    /// <summary>The breaker registers itself; one per process (the last registered wins in tests).</summary>
    public static void ObserveCircuitState(Func<string> source) => _stateSource = source;
}
