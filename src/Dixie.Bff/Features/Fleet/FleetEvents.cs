using System.Text.Json;
using Dixie.Bff.Infrastructure.Outbox;

namespace Dixie.Bff.Features.Fleet;

/// <summary>The one event each transition writes, chosen by its target status (spec 07 §6.1, spec 10 §2.3).</summary>
public static class FleetEvents
{
    /// <summary>The 12-hex hash of the lowercase operator (spec 10 §2.1).</summary>
    public static string OperatorHash(string operatorId) => FleetHashes.H12(operatorId.ToLowerInvariant());

    public static FleetTaskSignal For(FleetTaskRow before, FleetTaskRow after, FleetChange change, DateTimeOffset now)
    {
        var from = before.Status;
        var hash = OperatorHash(after.OperatorId);
        return (from, after.Status) switch
        {
            (FleetStatus.Spawning, FleetStatus.Running) => new AgentSpawnedSignal
            {
                Branch = after.Branch, Tier = change.Tier, RoutingReason = change.RoutingReason, Attempt = after.RetryCount,
                TaskId = after.Id, OperatorHash = hash, FromStatus = from, Status = after.Status, Version = after.Version,
                TaskType = after.TaskType, AgentType = after.AgentType, Model = after.Model, RetryCount = after.RetryCount, MaxRetries = after.MaxRetries,
            },
            (FleetStatus.Running, FleetStatus.Completed or FleetStatus.PrCreated) => new AgentCompletedSignal
            {
                Outcome = after.Status == FleetStatus.Completed ? FleetCompletionOutcome.Completed : FleetCompletionOutcome.PrCreated,
                PrNumber = after.PrNumber, Url = change.Url,
                DurationSeconds = after.SpawnedAt is { } spawned ? Math.Round((now - FleetTaskRow.Utc(spawned)).TotalSeconds, 3) : null,
                TaskId = after.Id, OperatorHash = hash, FromStatus = from, Status = after.Status, Version = after.Version,
                TaskType = after.TaskType, AgentType = after.AgentType, Model = after.Model, RetryCount = after.RetryCount, MaxRetries = after.MaxRetries,
            },
            (_, FleetStatus.Failed) => new AgentFailedSignal
            {
                Reason = change.Reason, ExitCode = change.ExitCode,
                TaskId = after.Id, OperatorHash = hash, FromStatus = from, Status = after.Status, Version = after.Version,
                TaskType = after.TaskType, AgentType = after.AgentType, Model = after.Model, RetryCount = after.RetryCount, MaxRetries = after.MaxRetries,
            },
            (_, FleetStatus.Cancelled) => new AgentCancelledSignal
            {
                By = change.CancelledBy,
                TaskId = after.Id, OperatorHash = hash, FromStatus = from, Status = after.Status, Version = after.Version,
                TaskType = after.TaskType, AgentType = after.AgentType, Model = after.Model, RetryCount = after.RetryCount, MaxRetries = after.MaxRetries,
            },
            (_, FleetStatus.Retrying) => new AgentRetryingSignal
            {
                TaskId = after.Id, OperatorHash = hash, FromStatus = from, Status = after.Status, Version = after.Version,
                TaskType = after.TaskType, AgentType = after.AgentType, Model = after.Model, RetryCount = after.RetryCount, MaxRetries = after.MaxRetries,
            },
            _ => StatusChanged(after, from, tier: null),
        };
    }

    /// <summary>`task_status_changed`; on creation <paramref name="from"/> is null and the tier is set.</summary>
    public static TaskStatusChangedSignal StatusChanged(FleetTaskRow after, string? from, string? tier) => new()
    {
        PrNumber = after.PrNumber,
        CiStatus = after.CiStatus,
        ReviewStatus = after.ReviewStatus is { } review ? JsonDocument.Parse(review).RootElement.Clone() : null,
        Tier = tier,
        TaskId = after.Id,
        OperatorHash = OperatorHash(after.OperatorId),
        FromStatus = from,
        Status = after.Status,
        Version = after.Version,
        TaskType = after.TaskType,
        AgentType = after.AgentType,
        Model = after.Model,
        RetryCount = after.RetryCount,
        MaxRetries = after.MaxRetries,
    };
}
