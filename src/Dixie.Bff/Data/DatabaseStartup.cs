using Dixie.Bff.Infrastructure.Logging;
using Dixie.Bff.Infrastructure.Postgres;
using Npgsql;

namespace Dixie.Bff.Data;

/// <summary>
/// Steps 3 and 4 of the startup sequence (spec 09 §2.3): the first connection with retries, then
/// the migrations under the advisory lock, all on one dedicated unpooled connection. Every failure
/// is logged as one critical line and thrown as <see cref="DatabaseStartupException"/> (exit 3).
/// </summary>
public static class DatabaseStartup
{
    public const string LoggerCategory = "Dixie.Bff.Data.Migrations";

    /// <summary>Connects, migrates and returns when the schema is current.</summary>
    public static async Task ConnectAndMigrateAsync(string connectionString, ILoggerFactory loggerFactory, MigrationRunnerOptions options, CancellationToken ct) =>
        _ = await MigrateAsync(connectionString, loggerFactory, options, ct);

    public static async Task<MigrationReport> MigrateAsync(string connectionString, ILoggerFactory loggerFactory, MigrationRunnerOptions options, CancellationToken ct)
    {
        var logger = loggerFactory.CreateLogger(LoggerCategory);
        var catalog = LoadCatalog(options, logger);
        await using var connection = await OpenMigrationConnectionAsync(connectionString, options, logger, ct);
        return await WithLockAsync(connection, options, logger, "migrating", async () =>
        {
            var report = await new MigrationRunner(connection, catalog, options, logger).ApplyAsync(ct);
            await RowLevelSecurityCheck.RunAsync(connection, logger, ct);
            return report;
        }, ct);
    }

    /// <summary>The catalog, or `migration_error` when this build's files are inconsistent.</summary>
    public static MigrationCatalog LoadCatalog(MigrationRunnerOptions options, ILogger logger)
    {
        try
        {
            return MigrationCatalog.Load(options.ExtraFiles);
        }
        catch (MigrationCatalogException ex)
        {
            MigrationLog.Unusable(logger, ex.FileName, ex.Reason);
            throw new DatabaseStartupException(LogEvents.MigrationError, MigrationLog.Sentences.Unusable(ex.FileName, ex.Reason), ex);
        }
    }

    /// <summary>
    /// Connection C of spec 09 §3.3: unpooled, so closing it really ends the session and releases the
    /// lock, with `lock_timeout` bounding both the lock wait and every DDL lock of the migrations.
    /// </summary>
    public static async Task<NpgsqlConnection> OpenMigrationConnectionAsync(string connectionString, MigrationRunnerOptions options, ILogger logger, CancellationToken ct)
    {
        var connection = await DatabaseConnector.OpenWithRetryAsync(PostgresConnectionStrings.Unpooled(connectionString), options, logger, ct);
        try
        {
            await using var command = new NpgsqlCommand("SELECT set_config('lock_timeout', @timeout, false)", connection);
            command.Parameters.AddWithValue("timeout", $"{(long)options.LockTimeout.TotalMilliseconds}ms");
            await command.ExecuteScalarAsync(ct);
            return connection;
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
        {
            await connection.DisposeAsync();
            throw Stopped(logger, "preparing the migration connection", ex);
        }
    }

    /// <summary>
    /// Runs <paramref name="work"/> holding the migration lock on <paramref name="connection"/>.
    /// Unexpected database errors become `migration_error`; the lock is released explicitly on success
    /// and, on failure, by closing the connection.
    /// </summary>
    public static async Task<T> WithLockAsync<T>(NpgsqlConnection connection, MigrationRunnerOptions options, ILogger logger, string step, Func<Task<T>> work, CancellationToken ct)
    {
        try
        {
            await MigrationLock.AcquireAsync(connection, options.LockTimeout, logger, ct);
            var result = await work();
            await MigrationLock.ReleaseAsync(connection, ct);
            return result;
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
        {
            throw Stopped(logger, step, ex);
        }
    }

    private static DatabaseStartupException Stopped(ILogger logger, string step, Exception ex)
    {
        var (sqlstate, message) = MigrationRunner.Describe(ex);
        MigrationLog.StepFailed(logger, step, sqlstate, message);
        return new DatabaseStartupException(LogEvents.MigrationError, MigrationLog.Sentences.StepFailed(step, sqlstate, message), ex);
    }
}
