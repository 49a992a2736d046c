using System.Text.Json;
using Dixie.Bff.Data;
using Dixie.Bff.Infrastructure.Logging;
using Dixie.Bff.Tests.Support;

namespace Dixie.Bff.Tests.Data;

public sealed class MigrateCommandTests : IAsyncLifetime
{
    private TestDatabase _database = null!;
    private readonly LogCapture _logs = new();

    public async Task InitializeAsync() => _database = await TestDatabase.CreateAsync();

    public async Task DisposeAsync() => await _database.DisposeAsync();

    [Fact]
    public async Task Migrate_prints_one_line_per_file_and_a_summary()
    {
        var first = await RunAsync([]);
        Assert.Equal(0, first.Exit);
        Assert.Contains("016_reputation_event_ids.sql: applied (", first.Stdout, StringComparison.Ordinal);
        Assert.Contains("14 applied, 0 already applied", first.Stdout, StringComparison.Ordinal);

        var second = await RunAsync([]);
        Assert.Equal(0, second.Exit);
        Assert.Contains("021_event_outbox.sql: already applied", second.Stdout, StringComparison.Ordinal);
        Assert.Contains("0 applied, 14 already applied", second.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Migrate_status_reports_states()
    {
        await MigrationTestSupport.MigrateAsync(_database, _logs);
        // checksum-mismatch with the TypeScript checksum, a foreign row, and a pending file.
        await _database.ExecuteAsync($"UPDATE _migrations SET checksum = '{TypeScriptOriginals.Checksums["013_fleet_orchestration.sql"]}' WHERE filename = '013_fleet_orchestration.sql'");
        await _database.ExecuteAsync("UPDATE _migrations SET checksum = 'abcdef0123456789' WHERE filename = '019_chat_sessions.sql'");
        await _database.ExecuteAsync("INSERT INTO _migrations (filename, checksum) VALUES ('015_agent_ecology.sql', 'feedfacecafebeef0000')");
        await _database.ExecuteAsync("DELETE FROM _migrations WHERE filename = '021_event_outbox.sql'");

        var table = await RunAsync(["status"]);
        Assert.Equal(0, table.Exit);
        var lines = table.Stdout.TrimEnd('\n').Split('\n');
        Assert.Matches(@"^FILE\s+STATE\s+APPLIED AT\s+CHECKSUM\s+NOTE$", lines[0]);
        var files = lines.Skip(1).Select(l => l.Split(' ', 2)[0]).ToList();
        Assert.Equal(["005", "006", "007", "008", "009", "012", "013", "014", "015", "016", "017", "018", "019", "020", "021"], files.Select(f => f[..3]));
        Assert.Matches(@"^005_reputation_aggregates\.sql\s+applied\s+\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\s+[0-9a-f]{12}$", Line(lines, "005_"));
        Assert.Matches(@"^013_fleet_orchestration\.sql\s+checksum-mismatch\s+\S+\s+150087c22766\s+TypeScript original$", Line(lines, "013_"));
        Assert.Matches(@"^015_agent_ecology\.sql\s+not-in-build\s+\S+\s+feedfacecafe$", Line(lines, "015_"));
        Assert.Matches(@"^019_chat_sessions\.sql\s+checksum-mismatch\s+\S+\s+abcdef012345\s+file is [0-9a-f]{12}$", Line(lines, "019_"));
        Assert.Matches(@"^021_event_outbox\.sql\s+pending\s+-\s+[0-9a-f]{12}$", Line(lines, "021_"));

        var json = await RunAsync(["status", "--json"]);
        Assert.Equal(0, json.Exit);
        var rows = JsonDocument.Parse(json.Stdout).RootElement.EnumerateArray().ToDictionary(r => r.GetProperty("filename").GetString()!);
        Assert.Equal(15, rows.Count);
        Assert.Equal(["filename", "state", "applied_at", "recorded_checksum", "file_checksum", "typescript_original"],
            rows["005_reputation_aggregates.sql"].EnumerateObject().Select(p => p.Name));
        Assert.Equal("applied", rows["005_reputation_aggregates.sql"].GetProperty("state").GetString());
        Assert.Equal("checksum-mismatch", rows["013_fleet_orchestration.sql"].GetProperty("state").GetString());
        Assert.True(rows["013_fleet_orchestration.sql"].GetProperty("typescript_original").GetBoolean());
        Assert.False(rows["019_chat_sessions.sql"].GetProperty("typescript_original").GetBoolean());
        Assert.Equal("not-in-build", rows["015_agent_ecology.sql"].GetProperty("state").GetString());
        Assert.Equal(JsonValueKind.Null, rows["015_agent_ecology.sql"].GetProperty("file_checksum").ValueKind);
        Assert.Equal("pending", rows["021_event_outbox.sql"].GetProperty("state").GetString());
        Assert.Equal(JsonValueKind.Null, rows["021_event_outbox.sql"].GetProperty("applied_at").ValueKind);
        Assert.Equal(MigrationCatalog.Load().FindUp("021_event_outbox.sql")!.Checksum, rows["021_event_outbox.sql"].GetProperty("file_checksum").GetString());
    }

    [Fact]
    public async Task Migrate_status_on_an_empty_database_shows_everything_pending_and_creates_nothing()
    {
        var result = await RunAsync(["status", "--json"]);

        Assert.Equal(0, result.Exit);
        Assert.All(JsonDocument.Parse(result.Stdout).RootElement.EnumerateArray(), r => Assert.Equal("pending", r.GetProperty("state").GetString()));
        Assert.Null(await _database.ScalarAsync<string>("SELECT to_regclass('_migrations')::text"));
    }

    [Fact]
    public async Task Migrate_down_rolls_back_the_last_file()
    {
        await MigrationTestSupport.MigrateAsync(_database, _logs);

        var down = await RunAsync(["down", "021_event_outbox.sql", "--yes"]);
        Assert.Equal(0, down.Exit);
        Assert.Contains("The next start of this build re-applies the file. To keep it rolled back, deploy a build without it.", down.Stdout, StringComparison.Ordinal);
        Assert.Null(await _database.ScalarAsync<string>("SELECT to_regclass('event_outbox')::text"));
        Assert.DoesNotContain("021_event_outbox.sql", await MigrationTestSupport.RecordedAsync(_database));
        Assert.Equal("021_event_outbox.sql", Assert.Single(_logs.Events(LogEvents.MigrationRolledBack)).String("filename"));

        // 020 is still recorded, so 019 is not the last applied.
        var refused = await RunAsync(["down", "019_chat_sessions", "--yes"]);
        Assert.Equal(1, refused.Exit);
        Assert.Contains("020_fleet_task_runner.sql is", refused.Stderr, StringComparison.Ordinal);
        Assert.NotNull(await _database.ScalarAsync<string>("SELECT to_regclass('chat_sessions')::text"));

        var forced = await RunAsync(["down", "019_chat_sessions", "--yes", "--force"]);
        Assert.Equal(0, forced.Exit);
        Assert.Null(await _database.ScalarAsync<string>("SELECT to_regclass('chat_sessions')::text"));
        Assert.DoesNotContain("019_chat_sessions.sql", await MigrationTestSupport.RecordedAsync(_database));
    }

    [Fact]
    public async Task Migrate_down_refuses_what_it_cannot_roll_back()
    {
        await MigrationTestSupport.MigrateAsync(_database, _logs);
        await _database.ExecuteAsync("INSERT INTO _migrations (filename, checksum) VALUES ('011_dynamic_contracts.sql', 'x')");

        var notInBuild = await RunAsync(["down", "011_dynamic_contracts.sql", "--yes", "--force"]);
        Assert.Equal(1, notInBuild.Exit);
        Assert.Contains("no rollback file", notInBuild.Stderr, StringComparison.Ordinal);

        var notRecorded = await RunAsync(["down", "099_never_applied.sql", "--yes"]);
        Assert.Equal(1, notRecorded.Exit);
        Assert.Contains("not recorded", notRecorded.Stderr, StringComparison.Ordinal);

        var usage = await RunAsync(["down"]);
        Assert.Equal(1, usage.Exit);

        var noTerminal = await RunAsync(["down", "021_event_outbox.sql"], interactive: false);
        Assert.Equal(1, noTerminal.Exit);
        Assert.Contains("--yes", noTerminal.Stderr, StringComparison.Ordinal);

        var wrongAnswer = await RunAsync(["down", "021_event_outbox.sql"], stdin: "020_fleet_task_runner.sql\n");
        Assert.Equal(1, wrongAnswer.Exit);
        Assert.Contains("Type 021_event_outbox.sql to confirm", wrongAnswer.Stdout, StringComparison.Ordinal);

        Assert.Equal(MigrationCatalog.Load().UpFiles.Count + 1, (await MigrationTestSupport.RecordedAsync(_database)).Count);
        Assert.NotNull(await _database.ScalarAsync<string>("SELECT to_regclass('event_outbox')::text"));

        var confirmed = await RunAsync(["down", "021_event_outbox.sql"], stdin: "021_event_outbox\n");
        Assert.Equal(0, confirmed.Exit);
        Assert.Null(await _database.ScalarAsync<string>("SELECT to_regclass('event_outbox')::text"));
    }

    [Fact]
    public async Task Down_files_refuse_while_live_state_would_be_lost()
    {
        await MigrationTestSupport.MigrateAsync(_database, _logs);
        await _database.ExecuteAsync("""
            INSERT INTO event_outbox (id, subject, payload)
            VALUES ('0190a0a0-0000-7000-8000-000000000001', 'dixie.signal.test',
                    '{"id": "0190a0a0-0000-7000-8000-000000000001", "subject": "dixie.signal.test"}')
            """);
        var outboxRefused = await RunAsync(["down", "021_event_outbox.sql", "--yes"]);
        Assert.Equal(1, outboxRefused.Exit);
        Assert.Contains("1 unpublished event(s)", outboxRefused.Stderr, StringComparison.Ordinal);
        Assert.Equal(1L, await _database.ScalarAsync<long>("SELECT count(*) FROM event_outbox"));
        Assert.Contains("021_event_outbox.sql", await MigrationTestSupport.RecordedAsync(_database));

        await _database.ExecuteAsync("UPDATE event_outbox SET published_at = now()");
        Assert.Equal(0, (await RunAsync(["down", "021_event_outbox.sql", "--yes"])).Exit);

        await _database.ExecuteAsync("""
            INSERT INTO fleet_tasks (operator_id, agent_type, model, task_type, description, branch, status, repository)
            VALUES ('op-1', 'codex', 'm', 'docs', 'd', 'b', 'completed', 'r')
            """);
        var listing = await SchemaListing.ReadAsync(_database, SchemaListing.AllTables);
        var fleetRefused = await RunAsync(["down", "020_fleet_task_runner.sql", "--yes"]);
        Assert.Equal(1, fleetRefused.Exit);
        Assert.Contains("1 fleet task(s) have status completed", fleetRefused.Stderr, StringComparison.Ordinal);
        Assert.Equal(listing, await SchemaListing.ReadAsync(_database, SchemaListing.AllTables));
        Assert.Contains("020_fleet_task_runner.sql", await MigrationTestSupport.RecordedAsync(_database));

        await _database.ExecuteAsync("UPDATE fleet_tasks SET status = 'merged'");
        Assert.Equal(0, (await RunAsync(["down", "020_fleet_task_runner.sql", "--yes"])).Exit);
        Assert.Equal(0L, await _database.ScalarAsync<long>("SELECT count(*) FROM information_schema.columns WHERE table_name = 'fleet_tasks' AND column_name = 'repository'"));
        Assert.Equal(1L, await _database.ScalarAsync<long>("SELECT count(*) FROM fleet_tasks"));
    }

    [Fact]
    public async Task Rolled_back_files_return_the_schema_to_its_earlier_listing()
    {
        await MigrationTestSupport.ApplyFilesAsync(_database, MigrationTestSupport.AdoptedFileNames);
        var adopted = await SchemaListing.ReadAsync(_database, SchemaListing.AllTables);
        await MigrationTestSupport.MigrateAsync(_database, _logs);

        foreach (var file in new[] { "021_event_outbox", "020_fleet_task_runner", "019_chat_sessions", "018_reputation_baselines", "017_reputation_population", "016_reputation_event_ids" })
        {
            Assert.Equal(0, (await RunAsync(["down", file, "--yes"])).Exit);
        }

        Assert.Equal(adopted, await SchemaListing.ReadAsync(_database, SchemaListing.AllTables));
    }

    private async Task<(int Exit, string Stdout, string Stderr)> RunAsync(string[] args, bool interactive = true, string stdin = "")
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var context = new MigrateContext(_database.ConnectionString, new StringReader(stdin), stdout, stderr, _logs.Factory,
            MigrationTestSupport.FastOptions(), interactive);
        var exit = await MigrateCommand.RunAsync(args, context, CancellationToken.None);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    private static string Line(string[] lines, string prefix) => Assert.Single(lines, l => l.StartsWith(prefix, StringComparison.Ordinal));
}
