namespace Dixie.Bff.Infrastructure.Nats;

/// <summary>The connection states of spec 10 §1, as the outbox worker and the metrics see them.</summary>
public enum NatsState
{
    /// <summary>No `NATS_URL`.</summary>
    NotConfigured,

    /// <summary>Never connected yet.</summary>
    Connecting,

    /// <summary>Core connection up; the `DIXIE_SIGNALS` stream is not (yet) usable.</summary>
    Connected,

    /// <summary>Connected, and the stream is ensured: signals can be published.</summary>
    Ready,

    /// <summary>Was connected, now reconnecting.</summary>
    Disconnected,
}

public static class NatsStates
{
    /// <summary>Every state, in the order of the spec's table (the `state` label values of the gauge).</summary>
    public static IReadOnlyList<NatsState> All { get; } = Enum.GetValues<NatsState>();

    /// <summary>The snake_case name used in metrics and logs, e.g. `not_configured`.</summary>
    public static string Name(this NatsState state) => state switch
    {
        NatsState.NotConfigured => "not_configured",
        NatsState.Connecting => "connecting",
        NatsState.Connected => "connected",
        NatsState.Ready => "ready",
        NatsState.Disconnected => "disconnected",
        _ => throw new ArgumentOutOfRangeException(nameof(state)),
    };
}
