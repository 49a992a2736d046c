using System.Text;
using Dixie.Bff.Infrastructure.Logging;
using Npgsql;

namespace Dixie.Bff.Data;

/// <summary>Who holds the migration lock, from pg_locks joined to pg_stat_activity.</summary>
public sealed record LockHolder(int Pid, string ApplicationName, DateTimeOffset BackendStart)
{
    /// <summary>ISO-8601 UTC, as every log timestamp.</summary>
    public string Since => BackendStart.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>
/// The session-level advisory lock that serialises migrations across instances and across the
/// TypeScript service, which uses the same key (spec 09 §3.3). It is taken on the migration
/// connection itself, so losing the connection releases the lock and rolls back the open file together.
/// </summary>
public static class MigrationLock
{
    public const string Name = "dixie-bff:migration";

    /// <summary>FNV-1a 32-bit of <see cref="Name"/> (0xE6F1AAA5) read as a signed int32, widened to bigint.</summary>
    public const long Key = -420369755;

    /// <summary>The halves of the bigint key as pg_locks shows them (classid, objid; objsubid = 1).</summary>
    public const long ClassId = 4294967295;
    public const long ObjId = 3874597541;

    /// <summary>FNV-1a 32-bit over the UTF-8 bytes, as the TypeScript service computes its key.</summary>
    public static long Derive(string name)
    {
        var hash = 0x811C9DC5u;
        foreach (var b in Encoding.UTF8.GetBytes(name))
        {
            hash ^= b;
            hash = unchecked(hash * 0x01000193u);
        }
        return unchecked((int)hash);
    }

    private const string TryLockSql = "SELECT pg_try_advisory_lock(@key)";
    private const string LockSql = "SELECT pg_advisory_lock(@key)";
    private const string UnlockSql = "SELECT pg_advisory_unlock(@key)";

    private const string HolderSql = """
        SELECT a.pid, COALESCE(a.application_name, ''), a.backend_start
        FROM pg_locks AS l
        JOIN pg_stat_activity AS a ON a.pid = l.pid
        WHERE l.locktype = 'advisory'
          AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
          AND l.classid::bigint = @classid AND l.objid::bigint = @objid AND l.objsubid = 1
          AND l.granted
        LIMIT 1
        """;

    /// <summary>
    /// Takes the lock on <paramref name="connection"/>, whose lock_timeout bounds the wait. Logs
    /// `migration_lock_waiting` when another session holds it, and `migration_lock_timeout` (then
    /// throws) when the wait times out.
    /// </summary>
    public static async Task AcquireAsync(NpgsqlConnection connection, TimeSpan lockTimeout, ILogger logger, CancellationToken ct)
    {
        await using (var tryLock = Command(connection, TryLockSql))
        {
            if ((bool)(await tryLock.ExecuteScalarAsync(ct))!) return;
        }

        if (await FindHolderAsync(connection, ct) is { } holder)
        {
            MigrationLog.LockWaiting(logger, holder.Pid, holder.ApplicationName, holder.Since);
        }
        else
        {
            MigrationLog.LockWaitingUnknownHolder(logger);
        }

        try
        {
            await using var wait = Command(connection, LockSql);
            // lock_timeout ends the wait; the command timeout only guards against a silent server.
            wait.CommandTimeout = (int)lockTimeout.TotalSeconds + 30;
            await wait.ExecuteScalarAsync(ct);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.LockNotAvailable)
        {
            var seconds = (int)Math.Round(lockTimeout.TotalSeconds);
            var current = await FindHolderAsync(connection, ct);
            if (current is { } h)
            {
                MigrationLog.LockTimeout(logger, seconds, h.Pid, h.ApplicationName, h.Since);
            }
            else
            {
                MigrationLog.LockTimeoutUnknownHolder(logger, seconds);
            }
            throw new DatabaseStartupException(LogEvents.MigrationLockTimeout, MigrationLog.Sentences.LockTimeout(seconds, current), ex);
        }
    }

    /// <summary>Releases the lock; closing the unpooled connection would release it as well.</summary>
    public static async Task ReleaseAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        await using var unlock = Command(connection, UnlockSql);
        await unlock.ExecuteScalarAsync(ct);
    }

    public static async Task<LockHolder?> FindHolderAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(HolderSql, connection);
        command.Parameters.AddWithValue("classid", ClassId);
        command.Parameters.AddWithValue("objid", ObjId);
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct)) return null;
        return new LockHolder(reader.GetInt32(0), reader.GetString(1), reader.GetFieldValue<DateTimeOffset>(2));
    }

    private static NpgsqlCommand Command(NpgsqlConnection connection, string sql)
    {
        var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("key", Key);
        return command;
    }
}
