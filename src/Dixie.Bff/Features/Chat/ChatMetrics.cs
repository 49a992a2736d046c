using System.Diagnostics.Metrics;
using Dixie.Bff.Infrastructure.Telemetry;

namespace Dixie.Bff.Features.Chat;

/// <summary>The chat instruments of spec 10 §6 (spec 05 §11), shared by every transport.</summary>
public static class ChatMetrics
{
    private static readonly Counter<long> Turns =
        DixieTelemetry.Meter.CreateCounter<long>("dixie.chat.turns", "{turn}", "Chat turns by transport and outcome");

    /// <summary>Open SSE streams and WebSocket connections, by transport.</summary>
    public static readonly UpDownCounter<long> StreamsActive =
        DixieTelemetry.Meter.CreateUpDownCounter<long>("dixie.chat.streams_active", "{stream}", "Open chat streams");

    /// <param name="transport">http | sse | ws</param>
    /// <param name="outcome">ok | error | aborted | disconnected</param>
    public static void CountTurn(string transport, string outcome) =>
        Turns.Add(1, new KeyValuePair<string, object?>("transport", transport), new KeyValuePair<string, object?>("outcome", outcome));
}
