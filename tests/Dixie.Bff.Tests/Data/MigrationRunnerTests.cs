using System.Security.Cryptography;
using Dixie.Bff.Data;
using Dixie.Bff.Infrastructure.Logging;
using Dixie.Bff.Tests.Support;
using Microsoft.Extensions.Logging;
using Npgsql;
using Xunit.Abstractions;

namespace Dixie.Bff.Tests.Data;

public sealed class MigrationRunnerTests(ITestOutputHelper output) : IAsyncLifetime
{
    private TestDatabase _database = null!;
    private readonly LogCapture _logs = new();

    public async Task InitializeAsync() => _database = await TestDatabase.CreateAsync();

    public async Task DisposeAsync() => await _database.DisposeAsync();

    [Fact]
    public async Task Fresh_database_gets_every_file_once()
    {
        var report = await MigrationTestSupport.MigrateAsync(_database, _logs);

        var expected = MigrationCatalog.Load().UpFiles;
        Assert.Equal(expected.Select(f => f.FileName), report.Applied);
        await using var connection = await _database.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT filename, checksum FROM _migrations ORDER BY id", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<(string, string)>();
        while (await reader.ReadAsync()) rows.Add((reader.GetString(0), reader.GetString(1)));
        Assert.Equal(expected.Select(f => (f.FileName, Convert.ToHexStringLower(SHA256.HashData(f.Content)))), rows);
        Assert.Equal(
            ["005", "006", "007", "008", "009", "012", "013", "014", "016", "017", "018", "019", "020", "021"],
            rows.Select(r => r.Item1[..3]));

        Assert.Equal(expected.Count, _logs.Events(LogEvents.MigrationApplied).Count);
        var summary = Assert.Single(_logs.Events(LogEvents.MigrationsApplied));
        Assert.Equal(0, summary.Int("already_applied"));
        Assert.Empty(_logs.Events(LogEvents.MigrationChecksumMismatch));
        Assert.Empty(_logs.Events(LogEvents.RlsBlocksServiceRole));
    }

    [Fact]
    public async Task Schema_matches_the_typescript_service()
    {
        await MigrationTestSupport.ApplyFilesAsync(_database, MigrationTestSupport.AdoptedFileNames);
        AssertListing(await SchemaListing.ReadAsync(_database, SchemaListing.AdoptedTables), 136, "892c19e4f4d444571c08b06efbe5a5a1");

        await MigrationTestSupport.MigrateAsync(_database, _logs);
        AssertListing(await SchemaListing.ReadAsync(_database, SchemaListing.AllTables), 207, "ce046c4c1927c4971807cc69dc596959");
    }

    [Fact]
    public async Task Every_file_is_idempotent()
    {
        await MigrationTestSupport.MigrateAsync(_database, _logs);
        var before = await SchemaListing.ReadAsync(_database, SchemaListing.AllTables);
        var populationBefore = await _database.ColumnAsync("SELECT row(id, count, mean, m2, seed_count, legacy_event_max_id)::text FROM reputation_population");

        await MigrationTestSupport.ApplyFilesAsync(_database, MigrationCatalog.Load().UpFiles.Select(f => f.FileName));

        Assert.Equal(before, await SchemaListing.ReadAsync(_database, SchemaListing.AllTables));
        Assert.Equal(populationBefore, await _database.ColumnAsync("SELECT row(id, count, mean, m2, seed_count, legacy_event_max_id)::text FROM reputation_population"));
    }

    [Fact]
    public async Task Second_start_applies_nothing_and_still_reports()
    {
        await MigrationTestSupport.MigrateAsync(_database, _logs);
        var second = new LogCapture();
        var report = await MigrationTestSupport.MigrateAsync(_database, second);

        Assert.Empty(report.Applied);
        Assert.Empty(second.Events(LogEvents.MigrationApplied));
        var summary = Assert.Single(second.Events(LogEvents.MigrationsApplied));
        Assert.Equal(14, summary.Int("already_applied"));
        Assert.Equal(0, summary.Int("checksum_mismatches"));
    }

    [Fact]
    public async Task Changed_file_is_only_a_warning()
    {
        await MigrationTestSupport.MigrateAsync(_database, _logs);
        const string tampered = "0000000000000000000000000000000000000000000000000000000000000000";
        await _database.ExecuteAsync($"UPDATE _migrations SET checksum = '{tampered}' WHERE filename = '019_chat_sessions.sql'");
        await _database.ExecuteAsync("INSERT INTO chat_sessions (session_id, owner, owner_kind) VALUES ('s-1', 'dxk_abcdefgh', 'api_key')");

        var again = new LogCapture();
        var report = await MigrationTestSupport.MigrateAsync(_database, again);

        Assert.Empty(report.Applied);
        var warning = Assert.Single(again.Events(LogEvents.MigrationChecksumMismatch));
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Equal("019_chat_sessions.sql", warning.String("filename"));
        Assert.Equal(tampered, warning.String("recorded_checksum"));
        Assert.Equal(MigrationCatalog.Load().FindUp("019_chat_sessions.sql")!.Checksum, warning.String("file_checksum"));
        Assert.False(warning.Bool("typescript_original"));
        Assert.Equal(1, Assert.Single(again.Events(LogEvents.MigrationsApplied)).Int("checksum_mismatches"));
        // Nothing re-applied, the row is not updated, the data is still there.
        Assert.Equal(tampered, await _database.ScalarAsync<string>("SELECT checksum FROM _migrations WHERE filename = '019_chat_sessions.sql'"));
        Assert.Equal(1L, await _database.ScalarAsync<long>("SELECT count(*) FROM chat_sessions"));
    }

    [Fact]
    public async Task Failing_migration_rolls_back_and_exits_3()
    {
        var failing = new MigrationFile("015_halfway_failure.sql", """
            -- halfway_marker: created, then the file fails, so it must not survive.
            CREATE TABLE halfway_marker (id integer);
            INSERT INTO halfway_marker VALUES (1);
            SELECT 1 / 0;
            CREATE TABLE after_failure (id integer);
            """u8.ToArray());
        var options = MigrationTestSupport.FastOptions(extraFiles: [failing]);

        var ex = await Assert.ThrowsAsync<DatabaseStartupException>(() => MigrationTestSupport.MigrateAsync(_database, _logs, options));

        Assert.Equal(3, DatabaseStartupException.ExitCode);
        Assert.Equal(LogEvents.MigrationError, ex.EventName);
        Assert.Null(await _database.ScalarAsync<string>("SELECT to_regclass('halfway_marker')::text"));
        Assert.Null(await _database.ScalarAsync<string>("SELECT to_regclass('after_failure')::text"));
        // Earlier files are committed, the failing one has no row and later files were not attempted.
        var recorded = await MigrationTestSupport.RecordedAsync(_database);
        Assert.Equal(MigrationTestSupport.AdoptedFileNames, recorded);
        Assert.Null(await _database.ScalarAsync<string>("SELECT to_regclass('reputation_population')::text"));

        var error = Assert.Single(_logs.Events(LogEvents.MigrationError));
        Assert.Equal(LogLevel.Critical, error.Level);
        Assert.Equal("015_halfway_failure.sql", error.String("filename"));
        Assert.Equal("22012", error.String("sqlstate"));
        Assert.Equal("Migration 015_halfway_failure.sql failed: 22012 division by zero. This file left no changes; later files were not attempted.", error.Message);
        Assert.Equal(error.Message, ex.Message);
        Assert.Empty(_logs.Events(LogEvents.MigrationsApplied));
        // The lock went with the connection.
        Assert.Equal(0L, await _database.ScalarAsync<long>("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"));
    }

    [Fact]
    public async Task Four_instances_migrate_once()
    {
        var runners = Enumerable.Range(0, 4).Select(_ => new LogCapture()).ToList();

        var reports = await Task.WhenAll(runners.Select(logs => MigrationTestSupport.MigrateAsync(_database, logs)));

        var all = MigrationCatalog.Load().UpFiles.Select(f => f.FileName).ToList();
        Assert.Equal(all, reports.SelectMany(r => r.Applied).Order(StringComparer.Ordinal));
        Assert.Equal(all, await MigrationTestSupport.RecordedAsync(_database));
        Assert.All(runners, logs =>
        {
            Assert.Single(logs.Events(LogEvents.MigrationsApplied));
            Assert.DoesNotContain(logs.Entries, e => e.Level >= LogLevel.Error);
        });
    }

    private void AssertListing(IReadOnlyList<string> lines, int count, string md5)
    {
        if (lines.Count != count || SchemaListing.Md5(lines) != md5)
        {
            output.WriteLine(string.Join('\n', lines));
        }
        Assert.Equal(count, lines.Count);
        Assert.Equal(md5, SchemaListing.Md5(lines));
    }
}
