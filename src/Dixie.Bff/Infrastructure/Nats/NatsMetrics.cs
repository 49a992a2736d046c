using Dixie.Bff.Infrastructure.Telemetry;

namespace Dixie.Bff.Infrastructure.Nats;

/// <summary>`dixie.nats.connection.state` of spec 10 §6: 1 for the current state, 0 for the other four.</summary>
internal static class NatsMetrics
{
    private static Func<NatsState>? _stateSource;

    static NatsMetrics()
    {
        DixieTelemetry.CreateStateGauge("dixie.nats.connection.state", "1 for the NATS connection's current state, 0 for the others",
            [.. NatsStates.All.Select(state => state.Name())], () => (_stateSource?.Invoke() ?? NatsState.NotConfigured).Name());
    }

    /// <summary>The status registers itself; one per process (the last registered wins in tests).</summary>
    public static void ObserveConnectionState(Func<NatsState> source) => _stateSource = source;
}
