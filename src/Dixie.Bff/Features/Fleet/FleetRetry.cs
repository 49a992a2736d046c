using Dixie.Bff.Infrastructure.Telemetry;
using Npgsql;

namespace Dixie.Bff.Features.Fleet;

/// <summary>What a retry decided before launching: the retrying row, or a denial.</summary>
public sealed record RetryAdmission(FleetTaskRow? Retrying, SpawnDenial? Denial, string? Tier);

/// <summary>
/// `POST /api/fleet/tasks/{id}/retry` (spec 07 §3.10): admission-checked under the task operator's lock
/// against that operator's current tier, then a fresh attempt.
/// </summary>
public sealed class FleetRetry(NpgsqlDataSource dataSource, FleetTransitions transitions, FleetAdmission admission, IFleetTiers tiers,
    RunnerIdentity identity)
{
    /// <summary>Null when the task is missing or foreign. Conflicts throw <see cref="FleetConflictException"/>.</summary>
    public async Task<RetryAdmission?> AdmitAsync(Guid id, FleetCaller caller, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        // The owner check comes before any side effect, including resolving a tier.
        if (await FleetStore.FindAsync(connection, null, id, caller.Scope, ct) is not { } seen) return null;
        var tier = await tiers.ResolveAsync(seen.OperatorId, ct);

        using var span = DixieTelemetry.Source.StartActivity(SpanAllowlist.GovernanceCheck);
        span?.SetTag("resource_type", "fleet");
        span?.SetTag("tier", tier.Name);
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.ReadCommitted, ct);
        await FleetAdmission.LockAsync(connection, transaction, seen.OperatorId, ct);
        if (await FleetStore.FindAsync(connection, transaction, id, caller.Scope, ct) is not { } row) return null;
        if (row.Status is not (FleetStatus.Failed or FleetStatus.Rejected))
            throw new FleetConflictException(row, $"Task {id} cannot be retried in status {row.Status}");
        if (row.RetryCount >= row.MaxRetries)
            throw new FleetConflictException(row, $"Retry budget exhausted ({row.RetryCount}/{row.MaxRetries})");

        var count = await FleetAdmission.CountAsync(connection, transaction, row.OperatorId, ct);
        span?.SetTag("witness_count", count);
        if (await admission.DenyIfFullAsync(connection, transaction, row.OperatorId, tier, count, row.TaskType, row.Id, ct) is { } denial)
        {
            await transaction.CommitAsync(ct);
            span?.SetTag("decision", "denied");
            return new RetryAdmission(null, denial, tier.Name);
        }
        // A retry is an admission: the instance that launches the new attempt owns it from here (docs/adr/018).
        var retrying = await transitions.MoveAsync(connection, transaction, row, FleetStatus.Retrying,
            new FleetChange { IncrementRetry = true, RunnerInstance = identity.Instance }, caller.Actor, ct)
            ?? throw new FleetConflictException(row, FleetConflictException.Stale(id));
        await transaction.CommitAsync(ct);
        span?.SetTag("decision", "admit");
        return new RetryAdmission(retrying, null, tier.Name);
    }
}
