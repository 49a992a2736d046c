using System.Text.Json.Nodes;
using Dapper;
using Dixie.Bff.Features.Governance.Audit;
using Dixie.Bff.Features.Governance.Mutations;
using Dixie.Bff.Infrastructure.Configuration;
using Dixie.Bff.Infrastructure.Outbox;
using Npgsql;

namespace Dixie.Bff.Features.Fleet;

/// <summary>Stop, delete and the admin status update (spec 07 §3.7, §3.9, §3.11), each one transaction.</summary>
public sealed class FleetTaskCommands(NpgsqlDataSource dataSource, FleetTransitions transitions, AuditTrail audit,
    MutationLog mutations, IAgentRunner runner, DixieConfig config, TimeProvider clock)
{
    private const string DeleteSql = "DELETE FROM fleet_tasks WHERE id = @id AND version = @version";

    private const string MetadataSql = $"""
        UPDATE fleet_tasks SET version = version + 1, updated_at = @now,
            pr_number = COALESCE(@prNumber, pr_number), ci_status = COALESCE(@ciStatus, ci_status),
            review_status = COALESCE(@reviewStatus::jsonb, review_status)
        WHERE id = @id AND version = @version
        RETURNING {FleetTaskRow.Columns}
        """;

    /// <summary>Null when the task is missing or foreign. Conflicts throw <see cref="FleetConflictException"/>.</summary>
    public async Task<FleetTaskRow?> StopAsync(Guid id, FleetCaller caller, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        if (await FleetStore.FindAsync(connection, transaction, id, caller.Scope, ct) is not { } row) return null;
        if (row.Status == FleetStatus.Cancelled) return row;
        if (row.Status is not (FleetStatus.Running or FleetStatus.PrCreated))
            throw new FleetConflictException(row, $"Task {id} cannot be stopped in status {row.Status}");
        // The transition commits first, so the exit of the killed process is never recorded as a failure.
        var cancelled = await transitions.MoveAsync(connection, transaction, row, FleetStatus.Cancelled,
            new FleetChange { CancelledBy = caller.IsAdmin ? FleetCancelledBy.Admin : FleetCancelledBy.Owner }, caller.Actor, ct)
            ?? throw new FleetConflictException(row, FleetConflictException.Stale(id));
        await mutations.RecordAsync(connection, transaction, new Mutation(FleetTransitions.ResourceType, "fleet.task.cancelled", caller.Actor.AuditId,
            new JsonObject { ["task_id"] = id.ToString("D"), ["from"] = row.Status }, $"{id:D}:cancelled"), ct);
        await transaction.CommitAsync(ct);
        if (row.LiveProcessRef is { } process && runner.IsAlive(process))
        {
            // The answer does not wait for the grace period; a process on another host is stopped by that host's monitor.
            _ = runner.StopAsync(process, TimeSpan.FromSeconds(config.Fleet.StopGraceSeconds));
        }
        return cancelled;
    }

    public async Task<FleetTaskRow?> DeleteAsync(Guid id, FleetCaller caller, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        if (await FleetStore.FindAsync(connection, transaction, id, caller.Scope, ct) is not { } row) return null;
        if (!FleetStatus.Deletable.Contains(row.Status))
            throw new FleetConflictException(row, $"Cannot delete active task {id} (status: {row.Status})");
        if (row.ProcessPid is not null && row.ProcessEndedAt is null)
            throw new FleetConflictException(row, $"Task {id} is still stopping; try again shortly");
        await connection.ExecuteAsync(new CommandDefinition(DeleteSql, new { id, version = row.Version }, transaction, cancellationToken: ct));
        await audit.AppendAsync(connection, transaction, FleetTransitions.ResourceType, "fleet.task.deleted", caller.Actor.AuditId,
            new JsonObject { ["task_id"] = id.ToString("D"), ["operator"] = row.OperatorId, ["status"] = row.Status, ["version"] = row.Version }, ct);
        await transaction.CommitAsync(ct);
        try
        {
            Directory.Delete(Path.Combine(config.Fleet.WorkDir, id.ToString("D")), recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Best effort: the row is gone; a leftover directory only costs disk.
        }
        return row;
    }

    /// <summary>The admin route: a legal move with metadata, or a metadata-only update when the status is unchanged.</summary>
    public async Task<FleetTaskRow?> UpdateStatusAsync(Guid id, StatusUpdate update, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        if (await FleetStore.FindAsync(connection, transaction, id, null, ct) is not { } row) return null;
        if (update.ExpectedVersion is { } expected && expected != row.Version)
            throw new FleetConflictException(row, FleetConflictException.Stale(id));
        FleetTaskRow updated;
        if (update.Status == row.Status)
        {
            updated = await connection.QuerySingleAsync<FleetTaskRow>(new CommandDefinition(MetadataSql, new
            {
                id, version = row.Version, now = clock.GetUtcNow().UtcDateTime,
                prNumber = update.PrNumber, ciStatus = update.CiStatus, reviewStatus = update.ReviewStatus,
            }, transaction, cancellationToken: ct));
            await audit.AppendAsync(connection, transaction, FleetTransitions.ResourceType, "fleet.task.metadata_updated", FleetActor.Admin.AuditId,
                new JsonObject { ["task_id"] = id.ToString("D"), ["operator"] = row.OperatorId, ["status"] = row.Status, ["version"] = updated.Version }, ct);
        }
        else
        {
            updated = await transitions.MoveOrConflictAsync(connection, transaction, row, update.Status, new FleetChange
            {
                PrNumber = update.PrNumber, CiStatus = update.CiStatus, ReviewStatus = update.ReviewStatus,
            }, FleetActor.Admin, ct);
        }
        await transaction.CommitAsync(ct);
        return updated;
    }
}

/// <summary>A validated body of `POST /api/fleet/tasks/{id}/status`.</summary>
public sealed record StatusUpdate(string Status, int? PrNumber, string? CiStatus, string? ReviewStatus, int? ExpectedVersion);
