using System.Text.Json;
using System.Text.Json.Serialization;

namespace Dixie.Bff.Infrastructure.Outbox;

/// <summary>
/// The fields every fleet task event carries (spec 10 §2.3). Each transition writes exactly one event,
/// chosen by its target status (spec 07 §6.1); the derived record names it. Fields a type lists are
/// always present, as null when unknown.
/// </summary>
public abstract record FleetTaskSignal : ISignalData
{
    private readonly string fleetEvent;

    private protected FleetTaskSignal(string fleetEvent) => this.fleetEvent = fleetEvent;

    public required Guid TaskId { get; init; }
    /// <summary>The hash of the lowercase operator id (equal to the operator's wallet_hash).</summary>
    public required string OperatorHash { get; init; }
    /// <summary>Null on creation.</summary>
    public required string? FromStatus { get; init; }
    public required string Status { get; init; }
    /// <summary>The row's version after the change; consumers order a task's events by it.</summary>
    public required long Version { get; init; }
    public required string TaskType { get; init; }
    public required string AgentType { get; init; }
    public required string Model { get; init; }
    public required int RetryCount { get; init; }
    public required int MaxRetries { get; init; }

    [JsonIgnore] public string Subject => SignalSubjects.Fleet(fleetEvent);
    [JsonIgnore] public string Type => "fleet." + fleetEvent;
}

/// <summary>spawning → running.</summary>
public sealed record AgentSpawnedSignal() : FleetTaskSignal("agent_spawned")
{
    /// <summary>`fleet/&lt;taskType&gt;/&lt;token12&gt;`, which contains no wallet.</summary>
    public required string? Branch { get; init; }
    public required string? Tier { get; init; }
    public required string? RoutingReason { get; init; }
    public required int? Attempt { get; init; }
}

public enum FleetCompletionOutcome
{
    Completed,
    PrCreated,
}

/// <summary>running → completed, or running → pr_created.</summary>
public sealed record AgentCompletedSignal() : FleetTaskSignal("agent_completed")
{
    public required FleetCompletionOutcome Outcome { get; init; }
    public required int? PrNumber { get; init; }
    public required string? Url { get; init; }
    public required double? DurationSeconds { get; init; }
}

/// <summary>→ failed.</summary>
public sealed record AgentFailedSignal() : FleetTaskSignal("agent_failed")
{
    /// <summary>`failure_context.reason`.</summary>
    public required string? Reason { get; init; }
    public required int? ExitCode { get; init; }
}

public enum FleetCancelledBy
{
    Owner,
    Admin,
}

/// <summary>→ cancelled.</summary>
public sealed record AgentCancelledSignal() : FleetTaskSignal("agent_cancelled")
{
    public required FleetCancelledBy? By { get; init; }
}

/// <summary>→ retrying.</summary>
public sealed record AgentRetryingSignal() : FleetTaskSignal("agent_retrying");

/// <summary>Every other transition, including the row's creation (→ proposed).</summary>
public sealed record TaskStatusChangedSignal() : FleetTaskSignal("task_status_changed")
{
    public required int? PrNumber { get; init; }
    public required string? CiStatus { get; init; }
    public required JsonElement? ReviewStatus { get; init; }
    /// <summary>Only on creation, else null.</summary>
    public required string? Tier { get; init; }
}

public enum SpawnDenialReason
{
    TierNotPermitted,
    TierLimitExceeded,
}

/// <summary>`fleet.spawn_denied`: an admission denial. There is no task row and no dedup_key.</summary>
public sealed record SpawnDeniedSignal : ISignalData
{
    public required string OperatorHash { get; init; }
    public required string Tier { get; init; }
    public required int ActiveCount { get; init; }
    public required int TierLimit { get; init; }
    public required SpawnDenialReason DenialReason { get; init; }
    public required string TaskType { get; init; }
    public required Guid? RetryOf { get; init; }

    [JsonIgnore] public string Subject => SignalSubjects.Fleet("spawn_denied");
    [JsonIgnore] public string Type => "fleet.spawn_denied";
}
