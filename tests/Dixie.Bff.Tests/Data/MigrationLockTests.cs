using System.Diagnostics;
using Dixie.Bff.Data;
using Dixie.Bff.Infrastructure.Logging;
using Dixie.Bff.Tests.Support;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Dixie.Bff.Tests.Data;

public sealed class MigrationLockTests : IAsyncLifetime
{
    private const string LockRowSql = """
        SELECT a.application_name
        FROM pg_locks AS l JOIN pg_stat_activity AS a ON a.pid = l.pid
        WHERE l.locktype = 'advisory' AND l.granted
          AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
          AND l.classid = 4294967295 AND l.objid = 3874597541 AND l.objsubid = 1
        """;

    private TestDatabase _database = null!;
    private readonly LogCapture _logs = new();

    public async Task InitializeAsync() => _database = await TestDatabase.CreateAsync();

    public async Task DisposeAsync() => await _database.DisposeAsync();

    [Fact]
    public async Task Lock_appears_in_pg_locks_as_its_two_halves_while_migrating()
    {
        var slow = new MigrationFile("099_slow.sql", "-- slow: keeps the runner busy while the test looks at pg_locks.\nSELECT pg_sleep(2);\n"u8.ToArray());
        var migrating = MigrationTestSupport.MigrateAsync(_database, _logs, MigrationTestSupport.FastOptions(extraFiles: [slow]));

        var holder = await Eventually.ValueAsync(() => _database.ColumnAsync(LockRowSql), rows => rows.Count > 0);
        Assert.Equal(["dixie-bff"], holder);

        await migrating;
        Assert.Empty(await _database.ColumnAsync(LockRowSql));
    }

    [Fact]
    public async Task Lock_held_elsewhere_waits_then_times_out()
    {
        await using var foreign = await _database.OpenAsync();
        await using (var take = new NpgsqlCommand("SELECT pg_advisory_lock(-420369755)", foreign)) await take.ExecuteScalarAsync();
        var started = Stopwatch.GetTimestamp();

        var ex = await Assert.ThrowsAsync<DatabaseStartupException>(() =>
            MigrationTestSupport.MigrateAsync(_database, _logs, MigrationTestSupport.FastOptions(lockTimeout: TimeSpan.FromSeconds(2))));

        var elapsed = Stopwatch.GetElapsedTime(started);
        Assert.InRange(elapsed, TimeSpan.FromSeconds(1.8), TimeSpan.FromSeconds(10));
        var waiting = Assert.Single(_logs.Events(LogEvents.MigrationLockWaiting));
        Assert.Equal(LogLevel.Information, waiting.Level);
        Assert.Equal(foreign.ProcessID, waiting.Int("holder_pid"));
        Assert.Equal("dixie-test", waiting.String("holder_application"));

        var timeout = Assert.Single(_logs.Events(LogEvents.MigrationLockTimeout));
        Assert.Equal(LogLevel.Critical, timeout.Level);
        Assert.Equal(LogEvents.MigrationLockTimeout, ex.EventName);
        Assert.Equal(timeout.Message, ex.Message);
        Assert.StartsWith($"Could not acquire the migration lock (key -420369755) within 2 s; it is held by pid {foreign.ProcessID} (application_name dixie-test, started ", ex.Message);
        Assert.EndsWith("). Another instance may be migrating; see the runbook section 'Migration lock timeout'.", ex.Message);
        // Nothing was migrated, not even the tracking table.
        Assert.Null(await _database.ScalarAsync<string>("SELECT to_regclass('_migrations')::text"));
    }

    [Fact]
    public async Task Lock_released_in_time_lets_startup_proceed()
    {
        var foreign = await _database.OpenAsync();
        await using (var take = new NpgsqlCommand("SELECT pg_advisory_lock(-420369755)", foreign)) await take.ExecuteScalarAsync();

        var migrating = MigrationTestSupport.MigrateAsync(_database, _logs, MigrationTestSupport.FastOptions(lockTimeout: TimeSpan.FromSeconds(20)));
        await _logs.WaitForAsync(LogEvents.MigrationLockWaiting);
        await foreign.DisposeAsync();
        var report = await migrating;

        Assert.Equal(MigrationCatalog.Load().UpFiles.Count, report.Applied.Count);
        Assert.Empty(_logs.Events(LogEvents.MigrationLockTimeout));
    }

    [Trait("Category", "Faults")]
    [Fact]
    public async Task Lock_is_released_when_the_connection_dies()
    {
        var slow = new MigrationFile("099_killed_midway.sql", """
            -- killed_midway: created, then the session is terminated while it sleeps.
            CREATE TABLE killed_midway (id integer);
            SELECT pg_sleep(30);
            """u8.ToArray());
        var migrating = MigrationTestSupport.MigrateAsync(_database, _logs, MigrationTestSupport.FastOptions(extraFiles: [slow]));

        await Eventually.ValueAsync(() => _database.ColumnAsync("SELECT pid::text FROM pg_stat_activity WHERE wait_event = 'PgSleep' AND datname = current_database()"), rows => rows.Count > 0);
        await _database.ExecuteAsync("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE wait_event = 'PgSleep' AND datname = current_database()");

        var ex = await Assert.ThrowsAsync<DatabaseStartupException>(() => migrating);
        Assert.Equal(LogEvents.MigrationError, ex.EventName);
        // The terminated backend releases its locks as it exits, which may trail the client's error.
        await Eventually.ValueAsync(() => _database.ColumnAsync(LockRowSql), rows => rows.Count == 0, TimeSpan.FromSeconds(10));
        Assert.Null(await _database.ScalarAsync<string>("SELECT to_regclass('killed_midway')::text"));
        Assert.DoesNotContain("099_killed_midway.sql", await MigrationTestSupport.RecordedAsync(_database));
        // The next start finishes the job.
        var report = await MigrationTestSupport.MigrateAsync(_database, new LogCapture());
        Assert.Empty(report.Applied);
    }
}
