using Npgsql;

namespace Dixie.Bff.Data;

/// <summary>
/// After migrating: reports tables whose row-level security would apply to this service's role
/// (spec 09 §3.4 step 5, §5.7). An adopted database carries the TypeScript policies on the fleet
/// tables; they are inert for the owning role, but under any other role every fleet query would
/// silently return nothing instead of failing.
/// </summary>
public static class RowLevelSecurityCheck
{
    /// <summary>Every table the service reads or writes.</summary>
    public static readonly IReadOnlyList<string> ServiceTables =
    [
        "_migrations", "reputation_aggregates", "reputation_task_cohorts", "reputation_events", "governance_mutations",
        "audit_entries", "fleet_tasks", "fleet_notifications", "fleet_config", "fleet_outbox", "reputation_population",
        "reputation_baselines", "chat_sessions", "event_outbox",
    ];

    // Owners (and members of the owning role) are exempt unless RLS is forced; superusers and
    // BYPASSRLS roles are always exempt.
    private const string BlockedTablesSql = """
        SELECT c.relname
        FROM unnest(@tables) AS t(name)
        JOIN pg_class AS c ON c.oid = to_regclass(t.name)
        JOIN pg_roles AS r ON r.rolname = current_user
        WHERE c.relrowsecurity
          AND NOT r.rolsuper AND NOT r.rolbypassrls
          AND (c.relforcerowsecurity OR NOT pg_has_role(c.relowner, 'USAGE'))
        ORDER BY c.relname
        """;

    public static async Task<IReadOnlyList<string>> RunAsync(NpgsqlConnection connection, ILogger logger, CancellationToken ct)
    {
        var blocked = new List<string>();
        await using var command = new NpgsqlCommand(BlockedTablesSql, connection);
        command.Parameters.AddWithValue("tables", ServiceTables.ToArray());
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct)) blocked.Add(reader.GetString(0));
        }
        if (blocked.Count > 0) MigrationLog.RlsBlocks(logger, blocked);
        return blocked;
    }
}
