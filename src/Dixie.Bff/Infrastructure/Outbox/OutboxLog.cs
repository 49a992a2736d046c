using Dixie.Bff.Infrastructure.Logging;

namespace Dixie.Bff.Infrastructure.Outbox;

internal static partial class OutboxLog
{
    [LoggerMessage(EventId = 1500, EventName = LogEvents.OutboxPublishFailed, Level = LogLevel.Warning,
        Message = "Outbox publish failed for {Failed} signal(s); first {OutboxId} on {Subject}: {ErrorClass}: {ErrorMessage}; next attempt in {NextAttemptInS} s")]
    public static partial void PublishFailed(ILogger logger, int failed, Guid outboxId, string subject, string errorClass, string errorMessage, double nextAttemptInS);

    [LoggerMessage(EventId = 1502, EventName = LogEvents.OutboxListenerDisconnected, Level = LogLevel.Warning,
        Message = "Outbox LISTEN connection lost ({ErrorClass}); reconnecting, polling carries on")]
    public static partial void ListenerDisconnected(ILogger logger, string errorClass, Exception exception);

    [LoggerMessage(EventId = 1503, EventName = LogEvents.OutboxCleanup, Level = LogLevel.Information,
        Message = "Outbox cleanup deleted {Deleted} published row(s)")]
    public static partial void Cleanup(ILogger logger, long deleted);

    [LoggerMessage(EventId = 1504, EventName = LogEvents.OutboxBacklog, Level = LogLevel.Information,
        Message = "{Pending} signal(s) wait in the outbox, the oldest for {OldestAgeS} s; NATS_URL is not set, so they are kept until it is")]
    public static partial void Backlog(ILogger logger, long pending, double oldestAgeS);
}

/// <summary>
/// Failures around the publishing itself, under names of their own: `outbox_publish_failed` and
/// `outbox_cleanup` keep the fields spec 10 §7 gives them.
/// </summary>
internal static partial class OutboxFailureLog
{
    [LoggerMessage(EventId = 1501, EventName = LogEvents.OutboxCycleFailed, Level = LogLevel.Warning,
        Message = "Outbox cycle failed before its rows could be marked ({ErrorClass}); {Failed} claimed row(s) stay pending and are retried")]
    public static partial void CycleFailed(ILogger logger, int failed, string errorClass, Exception exception);

    [LoggerMessage(EventId = 1505, EventName = LogEvents.OutboxCleanupFailed, Level = LogLevel.Warning,
        Message = "Outbox cleanup failed ({ErrorClass}); it runs again in an hour")]
    public static partial void CleanupFailed(ILogger logger, string errorClass, Exception exception);
}
