using System.Security.Cryptography;
using System.Text;
using Npgsql;

namespace Dixie.Bff.Tests.Data;

/// <summary>
/// The catalog listing of spec 09 §5: columns, constraints (p, u, c, f), indexes and non-internal
/// triggers of the given tables in schema public, one line each, sorted with COLLATE "C".
/// </summary>
public static class SchemaListing
{
    /// <summary>The tables of 005–014.</summary>
    public static readonly string[] AdoptedTables =
    [
        "reputation_aggregates", "reputation_task_cohorts", "reputation_events", "governance_mutations", "audit_entries",
        "fleet_tasks", "fleet_notifications", "fleet_config", "fleet_outbox",
    ];

    /// <summary>The tables after 021.</summary>
    public static readonly string[] AllTables =
        [.. AdoptedTables, "reputation_population", "reputation_baselines", "chat_sessions", "event_outbox"];

    private const string ListingSql = """
        WITH t AS (
            SELECT c.oid, c.relname
            FROM pg_class AS c JOIN pg_namespace AS n ON n.oid = c.relnamespace
            WHERE n.nspname = 'public' AND c.relkind = 'r' AND c.relname = ANY (@tables)
        ), lines AS (
            SELECT 'column ' || t.relname || '.' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod)
                   || CASE WHEN a.attnotnull THEN ' not null' ELSE '' END
                   || COALESCE(' default ' || pg_get_expr(d.adbin, d.adrelid), '') AS line
            FROM t
            JOIN pg_attribute AS a ON a.attrelid = t.oid AND a.attnum > 0 AND NOT a.attisdropped
            LEFT JOIN pg_attrdef AS d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
            UNION ALL
            SELECT 'constraint ' || t.relname || '.' || co.conname || ' ' || pg_get_constraintdef(co.oid)
            FROM t JOIN pg_constraint AS co ON co.conrelid = t.oid AND co.contype IN ('p', 'u', 'c', 'f')
            UNION ALL
            SELECT 'index ' || pg_get_indexdef(i.indexrelid)
            FROM t JOIN pg_index AS i ON i.indrelid = t.oid
            UNION ALL
            SELECT 'trigger ' || pg_get_triggerdef(tg.oid)
            FROM t JOIN pg_trigger AS tg ON tg.tgrelid = t.oid AND NOT tg.tgisinternal
        )
        SELECT line FROM lines ORDER BY line COLLATE "C"
        """;

    public static async Task<IReadOnlyList<string>> ReadAsync(NpgsqlConnection connection, IReadOnlyList<string> tables)
    {
        await using var command = new NpgsqlCommand(ListingSql, connection);
        command.Parameters.AddWithValue("tables", tables.ToArray());
        await using var reader = await command.ExecuteReaderAsync();
        var lines = new List<string>();
        while (await reader.ReadAsync()) lines.Add(reader.GetString(0));
        return lines;
    }

    public static async Task<IReadOnlyList<string>> ReadAsync(TestDatabase database, IReadOnlyList<string> tables)
    {
        await using var connection = await database.OpenAsync();
        return await ReadAsync(connection, tables);
    }

    /// <summary>md5 of the lines joined with `\n` (no trailing newline), as the spec computes it.</summary>
#pragma warning disable CA5351 // The spec's cross-check value is an md5; nothing is protected by it.
    public static string Md5(IReadOnlyList<string> lines) =>
        Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(string.Join('\n', lines))));
#pragma warning restore CA5351
}
