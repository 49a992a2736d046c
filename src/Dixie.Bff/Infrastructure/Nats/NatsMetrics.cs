using System.Diagnostics.Metrics;
using Dixie.Bff.Infrastructure.Telemetry;

namespace Dixie.Bff.Infrastructure.Nats;

/// <summary>`dixie.nats.connection.state` of spec 10 §6: 1 for the current state, 0 for the other four.</summary>
internal static class NatsMetrics
{
    private static Func<NatsState>? _stateSource;

    static NatsMetrics()
    {
        DixieTelemetry.Meter.CreateObservableGauge("dixie.nats.connection.state", ObserveState, "{state}",
            "1 for the NATS connection's current state, 0 for the others");
    }

    /// <summary>The status registers itself; one per process (the last registered wins in tests).</summary>
    public static void ObserveConnectionState(Func<NatsState> source) => _stateSource = source;

    private static IEnumerable<Measurement<int>> ObserveState()
    {
        var current = _stateSource?.Invoke() ?? NatsState.NotConfigured;
        foreach (var state in NatsStates.All)
            yield return new Measurement<int>(state == current ? 1 : 0, new KeyValuePair<string, object?>("state", state.Name()));
    }
}
