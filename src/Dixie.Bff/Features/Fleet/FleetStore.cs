using Dapper;
using Npgsql;

namespace Dixie.Bff.Features.Fleet;

/// <summary>Reads of `fleet_tasks`. Tenancy is part of every query: a wallet sees only its own rows.</summary>
public sealed class FleetStore(NpgsqlDataSource dataSource)
{
    private const string FindSql = $"""
        SELECT {FleetTaskRow.Columns} FROM fleet_tasks
        WHERE id = @id AND (@op::text IS NULL OR operator_id = @op)
        """;

    private const string LockedFindSql = FindSql + " FOR UPDATE";

    private const string CountsSql = """
        SELECT
            count(*) FILTER (WHERE status IN ('proposed','spawning','running','pr_created','reviewing','ready','retrying')) AS Active,
            count(*) FILTER (WHERE status IN ('merged','completed')) AS Completed,
            count(*) FILTER (WHERE status IN ('failed','abandoned','rejected','cancelled')) AS Failed
        FROM fleet_tasks WHERE (@op::text IS NULL OR operator_id = @op)
        """;

    private const string NewestSql = $"""
        SELECT {FleetTaskRow.Columns} FROM fleet_tasks
        WHERE (@op::text IS NULL OR operator_id = @op)
        ORDER BY created_at DESC, id
        LIMIT 50
        """;

    /// <summary>The task, or null when it is missing or belongs to another operator (<paramref name="op"/> null = admin).</summary>
    public async Task<FleetTaskRow?> FindAsync(Guid id, string? op, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await FindAsync(connection, null, id, op, ct);
    }

    public static Task<FleetTaskRow?> FindAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, Guid id, string? op, CancellationToken ct) =>
        connection.QuerySingleOrDefaultAsync<FleetTaskRow>(new CommandDefinition(transaction is null ? FindSql : LockedFindSql,
            new { id, op }, transaction, cancellationToken: ct));

    public async Task<(FleetCounts Counts, IReadOnlyList<FleetTaskRow> Newest)> StatusAsync(string? op, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var counts = await connection.QuerySingleAsync<FleetCounts>(new CommandDefinition(CountsSql, new { op }, cancellationToken: ct));
        var rows = await connection.QueryAsync<FleetTaskRow>(new CommandDefinition(NewestSql, new { op }, cancellationToken: ct));
        return (counts, rows.AsList());
    }
}

public sealed record FleetCounts(long Active, long Completed, long Failed);
