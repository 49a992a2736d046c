using Dixie.Bff.Infrastructure.Logging;
using Microsoft.Extensions.Logging;

namespace Dixie.Bff.Infrastructure.Nats;

internal static partial class NatsLog
{
    [LoggerMessage(EventId = 1400, EventName = LogEvents.NatsConnected, Level = LogLevel.Information,
        Message = "NATS connected to {Server} (version {ServerVersion}, JetStream {Jetstream})")]
    public static partial void Connected(ILogger logger, string server, string? serverVersion, bool jetstream);

    [LoggerMessage(EventId = 1401, EventName = LogEvents.NatsDisconnected, Level = LogLevel.Warning,
        Message = "NATS disconnected: {Reason}; reconnecting")]
    public static partial void Disconnected(ILogger logger, string reason);

    [LoggerMessage(EventId = 1402, EventName = LogEvents.NatsConnectFailed, Level = LogLevel.Warning,
        Message = "NATS is not reachable yet after {Attempts} connect attempts; still trying")]
    public static partial void ConnectFailed(ILogger logger, int attempts, Exception? exception);

    [LoggerMessage(EventId = 1403, EventName = LogEvents.NatsStreamCreated, Level = LogLevel.Information,
        Message = "NATS stream {Stream} created")]
    public static partial void StreamCreated(ILogger logger, string stream);

    [LoggerMessage(EventId = 1404, EventName = LogEvents.NatsStreamUpdated, Level = LogLevel.Information,
        Message = "NATS stream {Stream} updated: {Changed}")]
    public static partial void StreamUpdated(ILogger logger, string stream, string changed);

    [LoggerMessage(EventId = 1405, EventName = LogEvents.NatsStreamMismatch, Level = LogLevel.Error,
        Message = "NATS stream {Stream} differs from its documented configuration and the server refused the change: {Fields}")]
    public static partial void StreamMismatch(ILogger logger, string stream, string fields, Exception exception);

    [LoggerMessage(EventId = 1406, EventName = LogEvents.NatsStreamError, Level = LogLevel.Error,
        Message = "NATS stream {Stream} could not be ensured: {Reason}; retrying while connected")]
    public static partial void StreamError(ILogger logger, string stream, string reason, Exception exception);

    [LoggerMessage(EventId = 1407, EventName = LogEvents.HealthProbeFailed, Level = LogLevel.Warning,
        Message = "Health probe of {Dependency} failed: {Reason}")]
    public static partial void ProbeFailed(ILogger logger, string dependency, string reason, Exception? exception);
}
