using Npgsql;

namespace Dixie.Bff.Infrastructure.Outbox;

/// <summary>The one query behind the gauges and the backlog log: pending rows and the oldest one's age, by the database clock.</summary>
internal static class OutboxBacklog
{
    private const string Sql = """
        SELECT count(*), COALESCE(EXTRACT(EPOCH FROM now() - min(created_at)), 0)::float8
        FROM event_outbox
        WHERE published_at IS NULL
        """;

    public static async Task<OutboxSnapshot> ReadAsync(NpgsqlDataSource dataSource)
    {
        await using var command = dataSource.CreateCommand(Sql);
        await using var reader = await command.ExecuteReaderAsync(CancellationToken.None);
        await reader.ReadAsync(CancellationToken.None);
        return new OutboxSnapshot(reader.GetInt64(0), Math.Max(0, reader.GetDouble(1)));
    }
}
