using System.Text.Json.Nodes;
using Dapper;
using Dixie.Bff.Features.Governance.Audit;
using Dixie.Bff.Infrastructure.Outbox;
using Npgsql;

namespace Dixie.Bff.Features.Fleet;

/// <summary>
/// The one writer of task status changes (spec 07 §3.3): an optimistic UPDATE guarded by version and
/// status, the audit entry and the outbox event, all in the caller's transaction.
/// </summary>
public sealed class FleetTransitions(AuditTrail audit, OutboxWriter outbox, TimeProvider clock, FleetLog log)
{
    public const string ResourceType = "fleet";

    private const string TransitionSql = $"""
        UPDATE fleet_tasks SET
            status = @to, version = version + 1, updated_at = @now,
            completed_at = CASE WHEN @finishing THEN @now WHEN @to = 'retrying' THEN NULL ELSE completed_at END,
            failure_context = CASE WHEN @to = 'retrying' THEN NULL ELSE COALESCE(@failure_context::jsonb, failure_context) END,
            pr_number = COALESCE(@pr_number, pr_number),
            ci_status = COALESCE(@ci_status, ci_status),
            review_status = COALESCE(@review_status::jsonb, review_status),
            result = COALESCE(@result::jsonb, result),
            spawned_at = COALESCE(@spawned_at, spawned_at),
            process_pid = CASE WHEN @new_process THEN @process_pid ELSE process_pid END,
            process_started_at = CASE WHEN @new_process THEN @process_started_at ELSE process_started_at END,
            process_ended_at = CASE WHEN @new_process THEN NULL ELSE COALESCE(@process_ended_at, process_ended_at) END,
            exit_code = CASE WHEN @new_process THEN NULL ELSE COALESCE(@exit_code, exit_code) END,
            worktree_path = COALESCE(@worktree_path, worktree_path),
            log_path = COALESCE(@log_path, log_path),
            runner_instance = COALESCE(@runner_instance, runner_instance),
            retry_count = retry_count + CASE WHEN @increment_retry THEN 1 ELSE 0 END
        WHERE id = @id AND version = @expected AND status = @from
          AND (NOT @increment_retry OR retry_count < max_retries)
        RETURNING {FleetTaskRow.Columns}
        """;

    /// <summary>
    /// Moves <paramref name="row"/> to <paramref name="to"/>. Null when the move is stale (the row changed
    /// since it was read). An illegal edge throws: callers check <see cref="FleetStatus.CanMove"/> first.
    /// </summary>
    public async Task<FleetTaskRow?> MoveAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, FleetTaskRow row,
        string to, FleetChange change, FleetActor actor, CancellationToken ct)
    {
        if (!FleetStatus.CanMove(row.Status, to)) throw new InvalidOperationException($"Illegal fleet edge {row.Status} -> {to}");
        var now = clock.GetUtcNow();
        var updated = await connection.QuerySingleOrDefaultAsync<FleetTaskRow>(new CommandDefinition(TransitionSql, new
        {
            id = row.Id,
            expected = row.Version,
            from = row.Status,
            to,
            now = now.UtcDateTime,
            finishing = FleetStatus.Finishing.Contains(to),
            failure_context = FailureJson(change),
            pr_number = change.PrNumber,
            ci_status = change.CiStatus,
            review_status = change.ReviewStatus,
            result = change.Result,
            spawned_at = change.SpawnedAt?.UtcDateTime,
            new_process = change.Process is not null,
            process_pid = change.Process?.Pid,
            process_started_at = change.Process?.StartedAt.UtcDateTime,
            process_ended_at = change.ProcessEndedAt?.UtcDateTime,
            exit_code = change.ExitCode,
            worktree_path = change.WorktreePath,
            log_path = change.LogPath,
            runner_instance = change.RunnerInstance,
            increment_retry = change.IncrementRetry,
        }, transaction, cancellationToken: ct));
        if (updated is null) return null;

        var payload = new JsonObject
        {
            ["task_id"] = row.Id.ToString("D"), ["operator"] = row.OperatorId,
            ["from"] = row.Status, ["to"] = to, ["version"] = updated.Version,
        };
        if (change.Reason is not null) payload["reason"] = change.Reason;
        await outbox.AddAsync(connection, transaction, FleetEvents.For(row, updated, change, now), SignalDedupKeys.Fleet(updated.Id, updated.Version), ct);
        await audit.AppendAsync(connection, transaction, ResourceType, "fleet.task.status_changed", actor.AuditId, payload, ct);
        FleetMetrics.CountTransition(to);
        log.Transition(updated.Id, updated.OperatorId, row.Status, to, updated.Version, change.Reason);
        return updated;
    }

    /// <summary>The HTTP edge's form: an illegal or stale move throws <see cref="FleetConflictException"/> (409).</summary>
    public async Task<FleetTaskRow> MoveOrConflictAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, FleetTaskRow row,
        string to, FleetChange change, FleetActor actor, CancellationToken ct)
    {
        if (!FleetStatus.CanMove(row.Status, to)) throw new FleetConflictException(row, FleetConflictException.Illegal(row.Id, row.Status, to));
        return await MoveAsync(connection, transaction, row, to, change, actor, ct)
            ?? throw new FleetConflictException(row, FleetConflictException.Stale(row.Id));
    }

    /// <summary>`failure_context` = `{reason, …detail}`, or null when the change carries no reason.</summary>
    private static string? FailureJson(FleetChange change)
    {
        if (change.Reason is null) return null;
        var context = new JsonObject { ["reason"] = change.Reason };
        foreach (var (key, value) in change.FailureDetail ?? []) context[key] = value?.DeepClone();
        return context.ToJsonString();
    }
}
