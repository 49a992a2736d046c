using Dapper;
using Dixie.Bff.Features.Governance;
using Dixie.Bff.Infrastructure.Configuration;
using Npgsql;

namespace Dixie.Bff.Features.Fleet;

/// <summary>
/// The `fleet` governor (spec 08 §1.2–§1.3): live and stale tasks, the audit chain's length, and the
/// invariants INV-014 (tier limits), INV-015 (no retry after cancel) and INV-017 (retry budget).
/// </summary>
public sealed class FleetGovernor(NpgsqlDataSource dataSource, IFleetTiers tiers, DixieConfig config, TimeProvider clock) : IGovernor
{
    private const string LiveStatuses = "('proposed','spawning','running','pr_created','reviewing','ready','retrying')";

    private const string HealthSql = $"""
        SELECT
            (SELECT count(*) FROM fleet_tasks WHERE status IN {LiveStatuses}) AS Total,
            (SELECT count(*) FROM fleet_tasks WHERE status IN {LiveStatuses} AND updated_at < @staleBefore) AS Stale,
            (SELECT count(*) FROM audit_entries WHERE resource_type = 'fleet') AS Version,
            (SELECT count(*) FROM audit_entries WHERE resource_type = 'fleet' AND event_type = 'fleet.task.status_changed'
                AND payload->>'from' = 'cancelled') AS RetriedAfterCancel
        """;

    // The tier recorded with each operator's most recently admitted live task.
    private const string OperatorsSql = $"""
        WITH live AS (
            SELECT operator_id, count(*)::int AS n FROM fleet_tasks WHERE status IN {LiveStatuses} GROUP BY operator_id
        ), admitted AS (
            SELECT DISTINCT ON (t.operator_id) t.operator_id, a.payload->>'tier' AS tier
            FROM fleet_tasks t
            JOIN audit_entries a ON a.resource_type = 'fleet' AND a.event_type = 'fleet.spawn.admitted' AND a.payload->>'task_id' = t.id::text
            WHERE t.status IN {LiveStatuses}
            ORDER BY t.operator_id, t.created_at DESC
        )
        SELECT live.operator_id AS Operator, live.n AS Live, admitted.tier AS Tier FROM live LEFT JOIN admitted USING (operator_id)
        """;

    private const string OverBudgetSql = "SELECT id FROM fleet_tasks WHERE retry_count > max_retries ORDER BY id LIMIT 6";

    public string ResourceType => "fleet";

    public async Task<GovernorCheck> CheckAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var staleBefore = clock.GetUtcNow().AddMinutes(-config.Fleet.TaskTimeoutMinutes).UtcDateTime;
        var health = await connection.QuerySingleAsync<Health>(new CommandDefinition(HealthSql, new { staleBefore }, cancellationToken: cancellationToken));
        var operators = (await connection.QueryAsync<OperatorLoad>(new CommandDefinition(OperatorsSql, cancellationToken: cancellationToken))).AsList();
        var overBudget = (await connection.QueryAsync<Guid>(new CommandDefinition(OverBudgetSql, cancellationToken: cancellationToken))).AsList();

        var overLimit = operators.Where(o => tiers.Named(o.Tier) is { } tier && o.Live > tier.Limit).ToList();
        return new GovernorCheck(health.Total, health.Stale, health.Version,
        [
            new InvariantResult("INV-014", "active tasks per operator ≤ tier limit", overLimit.Count == 0,
                overLimit.Count == 0 ? $"{operators.Count} operators checked"
                    : "over limit: " + string.Join(", ", overLimit.Take(5).Select(o => $"{Short(o.Operator)} ({o.Live} live, tier {o.Tier})"))),
            new InvariantResult("INV-015", "a cancelled task is never retried", health.RetriedAfterCancel == 0,
                health.RetriedAfterCancel == 0 ? "no transition out of cancelled" : $"{health.RetriedAfterCancel} transitions out of cancelled"),
            new InvariantResult("INV-017", "retry_count ≤ max_retries", overBudget.Count == 0,
                overBudget.Count == 0 ? "no task over its retry budget" : "over budget: " + string.Join(", ", overBudget.Take(5))),
        ]);
    }

    private static string Short(string wallet) => wallet.Length > 10 ? $"{wallet[..6]}…{wallet[^4..]}" : wallet;

    private sealed record Health(long Total, long Stale, long Version, long RetriedAfterCancel);

    private sealed record OperatorLoad(string Operator, int Live, string? Tier);
}
