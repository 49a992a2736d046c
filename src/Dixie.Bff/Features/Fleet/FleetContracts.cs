using System.Text.Json;
using System.Text.Json.Serialization;

namespace Dixie.Bff.Features.Fleet;

/// <summary>201/200 of `POST /api/fleet/spawn` (spec 07 §3.4).</summary>
public sealed record SpawnResult(
    [property: JsonPropertyName("taskId")] Guid TaskId,
    [property: JsonPropertyName("branch")] string Branch,
    [property: JsonPropertyName("worktreePath")] string? WorktreePath,
    [property: JsonPropertyName("agentType")] string AgentType,
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("status")] string Status);

/// <summary>`GET /api/fleet/tasks/{id}` (spec 07 §3.6), the fields in the spec's order.</summary>
public sealed record TaskRecord(
    [property: JsonPropertyName("id")] Guid Id,
    [property: JsonPropertyName("operatorId")] string OperatorId,
    [property: JsonPropertyName("agentType")] string AgentType,
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("taskType")] string TaskType,
    [property: JsonPropertyName("description")] string Description,
    [property: JsonPropertyName("repository")] string? Repository,
    [property: JsonPropertyName("baseBranch")] string? BaseBranch,
    [property: JsonPropertyName("branch")] string Branch,
    [property: JsonPropertyName("worktreePath")] string? WorktreePath,
    [property: JsonPropertyName("containerId")] string? ContainerId,
    [property: JsonPropertyName("tmuxSession")] string? TmuxSession,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("version")] int Version,
    [property: JsonPropertyName("prNumber")] int? PrNumber,
    [property: JsonPropertyName("ciStatus")] string? CiStatus,
    [property: JsonPropertyName("reviewStatus")] JsonElement? ReviewStatus,
    [property: JsonPropertyName("result")] JsonElement? Result,
    [property: JsonPropertyName("retryCount")] int RetryCount,
    [property: JsonPropertyName("maxRetries")] int MaxRetries,
    [property: JsonPropertyName("timeoutMinutes")] int TimeoutMinutes,
    [property: JsonPropertyName("contextHash")] string? ContextHash,
    [property: JsonPropertyName("contextOverrides")] JsonElement? ContextOverrides,
    [property: JsonPropertyName("failureContext")] JsonElement? FailureContext,
    [property: JsonPropertyName("spawnedAt")] string? SpawnedAt,
    [property: JsonPropertyName("completedAt")] string? CompletedAt,
    [property: JsonPropertyName("createdAt")] string CreatedAt,
    [property: JsonPropertyName("updatedAt")] string UpdatedAt,
    [property: JsonPropertyName("agentIdentityId")] string? AgentIdentityId,
    [property: JsonPropertyName("groupId")] string? GroupId)
{
    /// <summary>The process reference, runner instance and log path are never exposed.</summary>
    public static TaskRecord From(FleetTaskRow row) => new(row.Id, row.OperatorId, row.AgentType, row.Model, row.TaskType,
        row.Description, row.Repository, row.BaseBranch, row.Branch, row.WorktreePath, null, null, row.Status, row.Version,
        row.PrNumber, row.CiStatus, Json(row.ReviewStatus), Json(row.Result), row.RetryCount, row.MaxRetries, row.TimeoutMinutes,
        row.ContextHash, Json(row.ContextOverrides), Json(row.FailureContext), Iso(row.SpawnedAt), Iso(row.CompletedAt),
        Iso(row.CreatedAt)!, Iso(row.UpdatedAt)!, null, null);

    internal static JsonElement? Json(string? text) => text is null ? null : JsonDocument.Parse(text).RootElement.Clone();

    internal static string? Iso(DateTime? value) => value is { } v ? Infrastructure.IsoTime.Format(FleetTaskRow.Utc(v)) : null;
}

/// <summary>One item of `GET /api/fleet/status` (spec 07 §3.5).</summary>
public sealed record TaskSummary(
    [property: JsonPropertyName("id")] Guid Id,
    [property: JsonPropertyName("operatorId")] string OperatorId,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("description")] string Description,
    [property: JsonPropertyName("agentType")] string AgentType,
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("branch")] string Branch,
    [property: JsonPropertyName("prNumber")] int? PrNumber,
    [property: JsonPropertyName("ciStatus")] string? CiStatus,
    [property: JsonPropertyName("retryCount")] int RetryCount,
    [property: JsonPropertyName("spawnedAt")] string? SpawnedAt,
    [property: JsonPropertyName("durationMinutes")] long? DurationMinutes);

public sealed record FleetStatusResponse(
    [property: JsonPropertyName("activeTasks")] long ActiveTasks,
    [property: JsonPropertyName("completedTasks")] long CompletedTasks,
    [property: JsonPropertyName("failedTasks")] long FailedTasks,
    [property: JsonPropertyName("tier"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Tier,
    [property: JsonPropertyName("tierLimit"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? TierLimit,
    [property: JsonPropertyName("tasks")] IReadOnlyList<TaskSummary> Tasks);

public sealed record StopResult(
    [property: JsonPropertyName("ok")] bool Ok,
    [property: JsonPropertyName("taskId")] Guid TaskId,
    [property: JsonPropertyName("status")] string Status);

public sealed record DeleteResult(
    [property: JsonPropertyName("ok")] bool Ok,
    [property: JsonPropertyName("taskId")] Guid TaskId);

public sealed record LogsResult(
    [property: JsonPropertyName("taskId")] Guid TaskId,
    [property: JsonPropertyName("logs")] string Logs);

/// <summary>409 with the task's current status (spec 07 §3.3).</summary>
public sealed record FleetConflict(
    [property: JsonPropertyName("error")] string Error,
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("status")] string Status);

/// <summary>500 when the runner failed; the row stays and can be retried or deleted.</summary>
public sealed record SpawnFailed(
    [property: JsonPropertyName("error")] string Error,
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("taskId")] Guid TaskId);

/// <summary>403 `spawn_denied` (spec 07 §3.4).</summary>
public sealed record SpawnDenial(
    [property: JsonPropertyName("error")] string Error,
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("tier")] string Tier,
    [property: JsonPropertyName("activeCount")] int ActiveCount,
    [property: JsonPropertyName("tierLimit")] int TierLimit,
    [property: JsonPropertyName("denial_reason")] string DenialReason,
    [property: JsonPropertyName("evaluationGap")] EvaluationGap EvaluationGap);

public sealed record EvaluationGap(
    [property: JsonPropertyName("current")] GapCurrent Current,
    [property: JsonPropertyName("required")] GapRequired Required,
    [property: JsonPropertyName("hint")] string Hint);

public sealed record GapCurrent(
    [property: JsonPropertyName("tier")] string Tier,
    [property: JsonPropertyName("taskCount")] int TaskCount);

public sealed record GapRequired(
    [property: JsonPropertyName("maximumConcurrentTasks")] int MaximumConcurrentTasks,
    [property: JsonPropertyName("minimumTier"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? MinimumTier);

/// <summary>The spawn body as documented in OpenAPI (the handler validates it by hand, spec 07 §3.4).</summary>
public sealed record SpawnRequestDocument(
    [property: JsonPropertyName("description")] string Description,
    [property: JsonPropertyName("taskType")] string TaskType,
    [property: JsonPropertyName("repository")] string Repository,
    [property: JsonPropertyName("agentType")] string? AgentType,
    [property: JsonPropertyName("model")] string? Model,
    [property: JsonPropertyName("baseBranch")] string? BaseBranch,
    [property: JsonPropertyName("maxRetries")] int? MaxRetries,
    [property: JsonPropertyName("timeoutMinutes")] int? TimeoutMinutes,
    [property: JsonPropertyName("contextOverrides")] Dictionary<string, string>? ContextOverrides);

/// <summary>The admin status body as documented in OpenAPI (spec 07 §3.11).</summary>
public sealed record StatusUpdateDocument(
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("prNumber")] int? PrNumber,
    [property: JsonPropertyName("ciStatus")] string? CiStatus,
    [property: JsonPropertyName("reviewStatus")] JsonElement? ReviewStatus,
    [property: JsonPropertyName("expectedVersion")] int? ExpectedVersion);

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(SpawnResult))]
[JsonSerializable(typeof(TaskRecord))]
[JsonSerializable(typeof(FleetStatusResponse))]
[JsonSerializable(typeof(StopResult))]
[JsonSerializable(typeof(DeleteResult))]
[JsonSerializable(typeof(LogsResult))]
[JsonSerializable(typeof(FleetConflict))]
[JsonSerializable(typeof(SpawnFailed))]
[JsonSerializable(typeof(SpawnDenial))]
[JsonSerializable(typeof(TaskLaunch))]
[JsonSerializable(typeof(Dictionary<string, string>))]
[JsonSerializable(typeof(SpawnRequestDocument))]
[JsonSerializable(typeof(StatusUpdateDocument))]
public sealed partial class FleetJson : JsonSerializerContext
{
    /// <summary>Descriptions and logs are free text: non-ASCII stays UTF-8 (the bodies are JSON, never HTML).</summary>
    public static FleetJson Wire { get; } = new(new JsonSerializerOptions
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}
