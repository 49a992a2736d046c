using System.Diagnostics;
using System.Text.Json.Nodes;
using Dapper;
using Dixie.Bff.Features.Governance.Audit;
using Dixie.Bff.Features.Governance.Mutations;
using Dixie.Bff.Infrastructure.Outbox;
using Dixie.Bff.Infrastructure.Telemetry;
using Npgsql;

namespace Dixie.Bff.Features.Fleet;

/// <summary>What admission decided; exactly one of the rows or the denial is set.</summary>
public sealed record Admission(FleetTaskRow? Created, FleetTaskRow? Replayed, SpawnDenial? Denial);

/// <summary>
/// The admission transaction of spec 07 §3.4 step 6: under the operator's advisory lock (which
/// serialises one operator across all instances), a replay answers its task, otherwise the
/// slot-consuming count is compared with the tier limit and the task is inserted or the spawn denied.
/// </summary>
public sealed class FleetAdmission(NpgsqlDataSource dataSource, AuditTrail audit, MutationLog mutations, OutboxWriter outbox,
    TimeProvider clock, RunnerIdentity identity, IFleetTiers tiers, FleetLog log)
{
    private const string LockSql = "SELECT pg_advisory_xact_lock(@key)";

    private const string ReplaySql = $"SELECT {FleetTaskRow.Columns} FROM fleet_tasks WHERE operator_id = @op AND context_hash = @token";

    public const string SlotCountSql = """
        SELECT count(*)::int FROM fleet_tasks
        WHERE operator_id = @op AND status IN ('proposed','spawning','running','pr_created','reviewing','ready','retrying')
        """;

    private const string InsertSql = $"""
        INSERT INTO fleet_tasks (operator_id, agent_type, model, task_type, description, repository, base_branch, branch,
            status, version, retry_count, max_retries, timeout_minutes, context_hash, context_overrides, runner_instance,
            created_at, updated_at)
        VALUES (@op, @agentType, @model, @taskType, @description, @repository, @baseBranch, @branch,
            'proposed', 0, 0, @maxRetries, @timeoutMinutes, @token, @overrides::jsonb, @instance, @now, @now)
        RETURNING {FleetTaskRow.Columns}
        """;

    public async Task<Admission> AdmitAsync(SpawnRequest request, string op, FleetTier tier, CancellationToken ct)
    {
        using var span = DixieTelemetry.Source.StartActivity(SpanAllowlist.GovernanceCheck);
        span?.SetTag("resource_type", "fleet");
        span?.SetTag("tier", tier.Name);
        var now = clock.GetUtcNow();
        var token = FleetHashes.IdempotencyToken(request.Description, op, now);

        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.ReadCommitted, ct);
        await LockAsync(connection, transaction, op, ct);
        var existing = await connection.QuerySingleOrDefaultAsync<FleetTaskRow>(new CommandDefinition(ReplaySql, new { op, token }, transaction, cancellationToken: ct));
        if (existing is not null)
        {
            await transaction.CommitAsync(ct);
            span?.SetTag("decision", "replay");
            return new Admission(null, existing, null);
        }

        var count = await CountAsync(connection, transaction, op, ct);
        span?.SetTag("witness_count", count);
        if (await DenyIfFullAsync(connection, transaction, op, tier, count, request.TaskType, retryOf: null, ct) is { } denial)
        {
            await transaction.CommitAsync(ct);
            span?.SetTag("decision", "denied");
            span?.SetTag("denial_reason", denial.DenialReason);
            return new Admission(null, null, denial);
        }

        var row = await connection.QuerySingleAsync<FleetTaskRow>(new CommandDefinition(InsertSql, new
        {
            op, agentType = request.AgentType, model = request.Model, taskType = request.TaskType, description = request.Description,
            repository = request.Repository, baseBranch = request.BaseBranch, branch = FleetHashes.Branch(request.TaskType, token),
            maxRetries = request.MaxRetries, timeoutMinutes = request.TimeoutMinutes, token, overrides = request.ContextOverridesJson,
            instance = identity.Instance, now = now.UtcDateTime,
        }, transaction, cancellationToken: ct));
        await outbox.AddAsync(connection, transaction, FleetEvents.StatusChanged(row, from: null, tier.Name), SignalDedupKeys.Fleet(row.Id, row.Version), ct);
        await audit.AppendAsync(connection, transaction, FleetTransitions.ResourceType, "fleet.spawn.admitted", op, new JsonObject
        {
            ["task_id"] = row.Id.ToString("D"), ["operator"] = op, ["tier"] = tier.Name, ["active_count"] = count, ["tier_limit"] = tier.Limit,
        }, ct);
        await mutations.RecordAsync(connection, transaction, new Mutation(FleetTransitions.ResourceType, "fleet.task.admitted", op,
            new JsonObject { ["task_id"] = row.Id.ToString("D"), ["task_type"] = row.TaskType, ["tier"] = tier.Name },
            $"{row.Id:D}:admitted"), ct);
        await transaction.CommitAsync(ct);
        span?.SetTag("decision", "admit");
        return new Admission(row, null, null);
    }

    public static async Task LockAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string op, CancellationToken ct) =>
        await connection.ExecuteAsync(new CommandDefinition(LockSql, new { key = FleetHashes.AdmissionLockKey(op) }, transaction, cancellationToken: ct));

    public static Task<int> CountAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string op, CancellationToken ct) =>
        connection.ExecuteScalarAsync<int>(new CommandDefinition(SlotCountSql, new { op }, transaction, cancellationToken: ct));

    /// <summary>The denial (audited and emitted in the caller's transaction), or null when a slot is free.</summary>
    public async Task<SpawnDenial?> DenyIfFullAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string op, FleetTier tier,
        int count, string taskType, Guid? retryOf, CancellationToken ct)
    {
        if (tier.Limit > 0 && count < tier.Limit) return null;
        var denial = FleetDenials.Build(tiers, op, tier, count);
        await outbox.AddAsync(connection, transaction, new SpawnDeniedSignal
        {
            OperatorHash = FleetEvents.OperatorHash(op), Tier = tier.Name, ActiveCount = count, TierLimit = tier.Limit,
            DenialReason = tier.Limit == 0 ? SpawnDenialReason.TierNotPermitted : SpawnDenialReason.TierLimitExceeded,
            TaskType = taskType, RetryOf = retryOf,
        }, dedupKey: null, ct);
        await audit.AppendAsync(connection, transaction, FleetTransitions.ResourceType, "fleet.spawn.denied", op, new JsonObject
        {
            ["operator"] = op, ["tier"] = tier.Name, ["active_count"] = count, ["tier_limit"] = tier.Limit, ["denial_reason"] = denial.DenialReason,
        }, ct);
        log.SpawnDenied(op, tier.Name, count, tier.Limit);
        Activity.Current?.SetTag("denial_reason", denial.DenialReason);
        return denial;
    }
}
