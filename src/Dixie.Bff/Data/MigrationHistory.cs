using Npgsql;

namespace Dixie.Bff.Data;

/// <summary>One row of `_migrations`.</summary>
public sealed record AppliedMigration(string FileName, string Checksum, DateTimeOffset AppliedAt);

/// <summary>
/// The `_migrations` tracking table (spec 09 §3.2). Its definition is the TypeScript service's, so
/// an existing table is adopted as is.
/// </summary>
public static class MigrationHistory
{
    private const string CreateSql = """
        CREATE TABLE IF NOT EXISTS _migrations (
            id         serial      PRIMARY KEY,
            filename   text        NOT NULL UNIQUE,
            checksum   text        NOT NULL,
            applied_at timestamptz NOT NULL DEFAULT now()
        )
        """;

    private const string ExistsSql = "SELECT to_regclass('_migrations') IS NOT NULL";

    private const string ReadSql = "SELECT filename, checksum, applied_at FROM _migrations ORDER BY id";

    private const string RecordSql = "INSERT INTO _migrations (filename, checksum) VALUES (@filename, @checksum)";

    private const string ForgetSql = "DELETE FROM _migrations WHERE filename = @filename";

    /// <summary>Creates the table if needed; only called with the migration lock held.</summary>
    public static async Task EnsureAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(CreateSql, connection);
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Every row in insertion order; empty when the table does not exist (read-only callers).</summary>
    public static async Task<IReadOnlyList<AppliedMigration>> ReadAsync(NpgsqlConnection connection, CancellationToken ct, NpgsqlTransaction? transaction = null)
    {
        await using (var exists = new NpgsqlCommand(ExistsSql, connection, transaction))
        {
            if (!(bool)(await exists.ExecuteScalarAsync(ct))!) return [];
        }
        var rows = new List<AppliedMigration>();
        await using var command = new NpgsqlCommand(ReadSql, connection, transaction);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            rows.Add(new AppliedMigration(reader.GetString(0), reader.GetString(1), reader.GetFieldValue<DateTimeOffset>(2)));
        }
        return rows;
    }

    public static async Task RecordAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, MigrationFile file, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(RecordSql, connection, transaction);
        command.Parameters.AddWithValue("filename", file.FileName);
        command.Parameters.AddWithValue("checksum", file.Checksum);
        await command.ExecuteNonQueryAsync(ct);
    }

    public static async Task<int> ForgetAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string fileName, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(ForgetSql, connection, transaction);
        command.Parameters.AddWithValue("filename", fileName);
        return await command.ExecuteNonQueryAsync(ct);
    }
}
