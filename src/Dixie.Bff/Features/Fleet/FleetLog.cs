using Dixie.Bff.Infrastructure.Logging;

namespace Dixie.Bff.Features.Fleet;

/// <summary>The fleet log lines of spec 10 §7: ids and hashes only, never wallets, descriptions or agent secrets.</summary>
public sealed partial class FleetLog(ILogger<FleetLog> logger)
{
    public void Transition(Guid taskId, string operatorId, string from, string to, int version, string? reason) =>
        LogTransition(logger, taskId, FleetEvents.OperatorHash(operatorId), from, to, version, reason);

    public void SpawnDenied(string operatorId, string tier, int activeCount, int tierLimit) =>
        LogSpawnDenied(logger, FleetEvents.OperatorHash(operatorId), tier, activeCount, tierLimit);

    public void SpawnFailed(Guid taskId, Exception exception) => LogSpawnFailed(logger, taskId, exception.Message, exception.InnerException);

    public void ResultInvalid(Guid taskId, string reason) => LogResultInvalid(logger, taskId, reason);

    public void RunnerFailed(Guid taskId, Exception exception) => LogTaskError(logger, taskId, "runner", exception);

    public void MonitorTaskFailed(Guid taskId, Exception exception) => LogTaskError(logger, taskId, "monitor", exception);

    public void Reconcile(int orphanedMarkedFailed, int untracked) => LogReconcile(logger, orphanedMarkedFailed, untracked);

    public void Cycle(FleetCycleSummary summary)
    {
        var level = summary.Changed ? LogLevel.Information : LogLevel.Debug;
        LogCycle(logger, level, summary.Acted, summary.TasksChecked, summary.Exits, summary.Timeouts, summary.Dead,
            summary.Orphans, summary.Killed, summary.DurationMs);
    }

    [LoggerMessage(EventId = 1800, EventName = LogEvents.FleetTaskTransition, Level = LogLevel.Information,
        Message = "fleet task {TaskId} {From} -> {To}")]
    private static partial void LogTransition(ILogger logger, Guid taskId, string operatorHash, string from, string to, int version, string? reason);

    [LoggerMessage(EventId = 1801, EventName = LogEvents.FleetSpawnDenied, Level = LogLevel.Information,
        Message = "fleet spawn denied: {ActiveCount} of {TierLimit} for tier {Tier}")]
    private static partial void LogSpawnDenied(ILogger logger, string operatorHash, string tier, int activeCount, int tierLimit);

    [LoggerMessage(EventId = 1802, EventName = LogEvents.FleetSpawnFailed, Level = LogLevel.Warning,
        Message = "fleet agent for task {TaskId} could not be started: {Reason}")]
    private static partial void LogSpawnFailed(ILogger logger, Guid taskId, string reason, Exception? exception);

    [LoggerMessage(EventId = 1803, EventName = LogEvents.FleetResultInvalid, Level = LogLevel.Warning,
        Message = "fleet task {TaskId} wrote an unusable result.json: {Reason}")]
    private static partial void LogResultInvalid(ILogger logger, Guid taskId, string reason);

    [LoggerMessage(EventId = 1804, EventName = LogEvents.FleetTaskError, Level = LogLevel.Error,
        Message = "fleet {Stage} failed on task {TaskId}")]
    private static partial void LogTaskError(ILogger logger, Guid taskId, string stage, Exception exception);

    [LoggerMessage(EventId = 1805, EventName = LogEvents.FleetReconcile, Level = LogLevel.Information,
        Message = "fleet reconcile: {OrphanedMarkedFailed} orphaned tasks marked failed")]
    private static partial void LogReconcile(ILogger logger, int orphanedMarkedFailed, int untracked);

    [LoggerMessage(EventId = 1806, EventName = LogEvents.FleetMonitorCycle,
        Message = "fleet monitor cycle acted={Acted} checked={TasksChecked}")]
    private static partial void LogCycle(ILogger logger, LogLevel level, bool acted, int tasksChecked, int exits, int timeouts,
        int dead, int orphans, int killed, long durationMs);
}

/// <summary>What one monitor cycle did (spec 07 §5).</summary>
public sealed record FleetCycleSummary(bool Acted, int TasksChecked, int Exits, int Timeouts, int Dead, int Orphans, int Killed, long DurationMs)
{
    public bool Changed => Exits + Timeouts + Dead + Orphans + Killed > 0;
}
