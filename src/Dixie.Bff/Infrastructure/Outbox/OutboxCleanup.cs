using Npgsql;

namespace Dixie.Bff.Infrastructure.Outbox;

/// <summary>
/// Deletes rows published longer ago than the stream keeps messages (spec 10 §3.4), in chunks so one
/// run never holds many locks. Unpublished rows are never deleted, whatever their age.
/// </summary>
internal static class OutboxCleanup
{
    private const string DeleteChunkSql = """
        DELETE FROM event_outbox
        WHERE id IN (
            SELECT id FROM event_outbox
            WHERE published_at IS NOT NULL AND published_at < now() - @retention
            LIMIT @chunk)
        """;

    public static async Task<long> DeletePublishedAsync(NpgsqlDataSource dataSource, OutboxOptions options, CancellationToken cancellationToken)
    {
        long deleted = 0;
        while (true)
        {
            await using var command = dataSource.CreateCommand(DeleteChunkSql);
            command.Parameters.Add(new NpgsqlParameter<TimeSpan>("retention", options.Retention));
            command.Parameters.Add(new NpgsqlParameter<int>("chunk", options.CleanupChunk));
            var chunk = await command.ExecuteNonQueryAsync(cancellationToken);
            deleted += chunk;
            if (chunk < options.CleanupChunk) return deleted;
        }
    }
}
