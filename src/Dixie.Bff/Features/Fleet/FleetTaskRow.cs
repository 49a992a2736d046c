namespace Dixie.Bff.Features.Fleet;

/// <summary>One `fleet_tasks` row (spec 09 §5.6, §7.5). JSONB columns stay as their JSON text.</summary>
public sealed class FleetTaskRow
{
    /// <summary>The select list every read uses, aliased to the property names.</summary>
    public const string Columns = """
        id AS Id, operator_id AS OperatorId, agent_type AS AgentType, model AS Model, task_type AS TaskType,
        description AS Description, repository AS Repository, base_branch AS BaseBranch, branch AS Branch,
        worktree_path AS WorktreePath, status AS Status, version AS Version, pr_number AS PrNumber,
        ci_status AS CiStatus, review_status::text AS ReviewStatus, result::text AS Result, retry_count AS RetryCount,
        max_retries AS MaxRetries, timeout_minutes AS TimeoutMinutes, context_hash AS ContextHash,
        context_overrides::text AS ContextOverrides, failure_context::text AS FailureContext, spawned_at AS SpawnedAt,
        completed_at AS CompletedAt, created_at AS CreatedAt, updated_at AS UpdatedAt, runner_instance AS RunnerInstance,
        process_pid AS ProcessPid, process_started_at AS ProcessStartedAt, process_ended_at AS ProcessEndedAt,
        exit_code AS ExitCode, log_path AS LogPath
        """;

    public Guid Id { get; init; }
    public string OperatorId { get; init; } = "";
    public string AgentType { get; init; } = "";
    public string Model { get; init; } = "";
    public string TaskType { get; init; } = "";
    public string Description { get; init; } = "";
    public string? Repository { get; init; }
    public string? BaseBranch { get; init; }
    public string Branch { get; init; } = "";
    public string? WorktreePath { get; init; }
    public string Status { get; init; } = "";
    public int Version { get; init; }
    public int? PrNumber { get; init; }
    public string? CiStatus { get; init; }
    public string? ReviewStatus { get; init; }
    public string? Result { get; init; }
    public int RetryCount { get; init; }
    public int MaxRetries { get; init; }
    public int TimeoutMinutes { get; init; }
    public string? ContextHash { get; init; }
    public string? ContextOverrides { get; init; }
    public string? FailureContext { get; init; }
    public DateTime? SpawnedAt { get; init; }
    public DateTime? CompletedAt { get; init; }
    public DateTime CreatedAt { get; init; }
    public DateTime UpdatedAt { get; init; }
    public string? RunnerInstance { get; init; }
    public int? ProcessPid { get; init; }
    public DateTime? ProcessStartedAt { get; init; }
    public DateTime? ProcessEndedAt { get; init; }
    public int? ExitCode { get; init; }
    public string? LogPath { get; init; }

    /// <summary>The process this row points at, when one was started and its end is not recorded.</summary>
    public ProcessRef? LiveProcessRef => ProcessPid is { } pid && ProcessStartedAt is { } started && ProcessEndedAt is null
        ? new ProcessRef(pid, Utc(started)) : null;

    public static DateTimeOffset Utc(DateTime value) => new(DateTime.SpecifyKind(value, DateTimeKind.Utc));
}
