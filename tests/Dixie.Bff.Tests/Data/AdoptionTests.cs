using Dixie.Bff.Data;
using Dixie.Bff.Infrastructure.Logging;
using Dixie.Bff.Tests.Support;
using Microsoft.Extensions.Logging;
using Npgsql;
using Xunit.Abstractions;

namespace Dixie.Bff.Tests.Data;

public sealed class AdoptionTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly string[] ForeignFiles =
        ["003_schedules.sql", "004_autonomous_permissions.sql", "010_knowledge_freshness.sql", "011_dynamic_contracts.sql", "015_agent_ecology.sql"];

    private TestDatabase _database = null!;
    private readonly LogCapture _logs = new();

    public async Task InitializeAsync() => _database = await TestDatabase.CreateAsync(ownedByOrdinaryRole: true);

    public async Task DisposeAsync() => await _database.DisposeAsync();

    [Fact]
    public async Task Typescript_database_is_adopted()
    {
        await BuildTypescriptDatabaseAsync();
        var sampleCounts = await CountsAsync();

        var report = await MigrationTestSupport.MigrateAsync(_database, _logs);

        Assert.Equal(["016_reputation_event_ids.sql", "017_reputation_population.sql", "018_reputation_baselines.sql",
            "019_chat_sessions.sql", "020_fleet_task_runner.sql", "021_event_outbox.sql"], report.Applied);
        var mismatches = _logs.Events(LogEvents.MigrationChecksumMismatch);
        Assert.Equal(MigrationTestSupport.AdoptedFileNames, mismatches.Select(m => m.String("filename")));
        Assert.All(mismatches, m => Assert.True(m.Bool("typescript_original")));
        Assert.Equal(ForeignFiles, report.Foreign);
        var summary = Assert.Single(_logs.Events(LogEvents.MigrationsApplied));
        Assert.Equal(ForeignFiles, summary.Strings("foreign"));
        Assert.Equal(8, summary.Int("checksum_mismatches"));

        // Foreign rows and tables untouched, sample data intact, recorded checksums never updated.
        Assert.Equal(sampleCounts, await CountsAsync());
        Assert.Equal("foreign-003", await _database.ScalarAsync<string>("SELECT checksum FROM _migrations WHERE filename = '003_schedules.sql'"));
        Assert.Equal(TypeScriptOriginals.Checksums["013_fleet_orchestration.sql"],
            await _database.ScalarAsync<string>("SELECT checksum FROM _migrations WHERE filename = '013_fleet_orchestration.sql'"));

        // event_id: first valid occurrence only, compared case-insensitively.
        Assert.Equal(
            ["1 aaaaaaaa-0000-4000-8000-00000000000a", "2 <null>", "3 <null>", "4 bbbbbbbb-0000-4000-8000-00000000000b", "5 <null>",
             "6 <null>", "7 cccccccc-0000-4000-8000-00000000000c"],
            await _database.ColumnAsync("SELECT id || ' ' || COALESCE(event_id::text, '<null>') FROM reputation_events ORDER BY id"));

        // Population seeded from the numeric personal scores 0.7 and 0.8 (the null is skipped).
        await using (var connection = await _database.OpenAsync())
        await using (var command = new NpgsqlCommand(
            "SELECT count, mean, m2, seed_count, seed_mean, seed_m2, legacy_event_max_id FROM reputation_population WHERE id = 1", connection))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            Assert.True(await reader.ReadAsync());
            Assert.Equal(2L, reader.GetInt64(0));
            Assert.Equal(0.75, reader.GetDouble(1), 12);
            Assert.Equal(0.005, reader.GetDouble(2), 12);
            Assert.Equal(2L, reader.GetInt64(3));
            Assert.Equal(0.75, reader.GetDouble(4), 12);
            Assert.Equal(0.005, reader.GetDouble(5), 12);
            Assert.Equal(7L, reader.GetInt64(6));
        }
        Assert.Equal(["agent-1", "agent-2", "agent-3"], await _database.ColumnAsync("SELECT nft_id FROM reputation_baselines ORDER BY nft_id"));

        // The adopted task keeps its null repository; a new task must name one.
        Assert.Equal(1L, await _database.ScalarAsync<long>("SELECT count(*) FROM fleet_tasks WHERE repository IS NULL"));
        var refused = await Assert.ThrowsAsync<PostgresException>(() => _database.ExecuteAsync(
            "INSERT INTO fleet_tasks (operator_id, agent_type, model, task_type, description, branch) VALUES ('op-2', 'codex', 'm', 'docs', 'd', 'b')"));
        Assert.Equal(PostgresErrorCodes.CheckViolation, refused.SqlState);
        Assert.Equal("valid_repository_present", refused.ConstraintName);

        // RLS is on with a TypeScript policy, yet the owning role sees the rows and no warning is due.
        Assert.True(await _database.ScalarAsync<bool>("SELECT relrowsecurity FROM pg_class WHERE oid = 'fleet_tasks'::regclass"));
        Assert.False(await _database.ScalarAsync<bool>("SELECT rolsuper FROM pg_roles WHERE rolname = current_user"));
        Assert.Equal(1L, await _database.ScalarAsync<long>("SELECT count(*) FROM fleet_tasks"));
        Assert.Empty(_logs.Events(LogEvents.RlsBlocksServiceRole));

        var listing = await SchemaListing.ReadAsync(_database, SchemaListing.AllTables);
        if (SchemaListing.Md5(listing) != "ce046c4c1927c4971807cc69dc596959") output.WriteLine(string.Join('\n', listing));
        Assert.Equal("ce046c4c1927c4971807cc69dc596959", SchemaListing.Md5(listing));
    }

    [Fact]
    public async Task Row_level_security_that_would_hide_rows_is_reported()
    {
        await MigrationTestSupport.MigrateAsync(_database, _logs);
        await _database.ExecuteAsync("ALTER TABLE fleet_tasks ENABLE ROW LEVEL SECURITY; ALTER TABLE fleet_tasks FORCE ROW LEVEL SECURITY");

        var again = new LogCapture();
        await MigrationTestSupport.MigrateAsync(_database, again);

        var error = Assert.Single(again.Events(LogEvents.RlsBlocksServiceRole));
        Assert.Equal(LogLevel.Error, error.Level);
        Assert.Equal(["fleet_tasks"], error.Strings("tables"));
    }

    private async Task BuildTypescriptDatabaseAsync()
    {
        await MigrationTestSupport.ApplyFilesAsync(_database, MigrationTestSupport.AdoptedFileNames);
        var rows = string.Join(",\n", TypeScriptOriginals.Checksums.Select(c => $"('{c.Key}', '{c.Value}')")
            .Concat(ForeignFiles.Select(f => $"('{f}', 'foreign-{f[..3]}')")));
        await _database.ExecuteAsync($$"""
            CREATE TABLE _migrations (id serial PRIMARY KEY, filename text NOT NULL UNIQUE, checksum text NOT NULL,
                                      applied_at timestamptz NOT NULL DEFAULT now());
            INSERT INTO _migrations (filename, checksum) VALUES {{rows}};

            CREATE TABLE schedules (id integer);              INSERT INTO schedules VALUES (3);
            CREATE TABLE autonomous_permissions (id integer); INSERT INTO autonomous_permissions VALUES (4);
            CREATE TABLE knowledge_freshness (id integer);    INSERT INTO knowledge_freshness VALUES (10);
            CREATE TABLE dynamic_contracts (id integer);      INSERT INTO dynamic_contracts VALUES (11);
            CREATE TABLE agent_identities (id integer);       INSERT INTO agent_identities VALUES (15);

            ALTER TABLE fleet_tasks ENABLE ROW LEVEL SECURITY;
            CREATE POLICY fleet_tasks_tenant_select ON fleet_tasks FOR SELECT
                USING (current_setting('app.operator_id', true) = operator_id);

            INSERT INTO reputation_aggregates (nft_id, data) VALUES
                ('agent-1', '{"personal_score": 0.7}'), ('agent-2', '{"personal_score": 0.8}'), ('agent-3', '{"personal_score": null}');
            INSERT INTO reputation_task_cohorts (nft_id, model_id, task_type) VALUES ('agent-1', 'model-a', 'review');
            INSERT INTO reputation_events (nft_id, event_type, data) VALUES
                ('agent-1', 'quality', '{"event_id": "aaaaaaaa-0000-4000-8000-00000000000a"}'),
                ('agent-1', 'quality', '{"event_id": "AAAAAAAA-0000-4000-8000-00000000000A"}'),
                ('agent-2', 'quality', '{"event_id": "not-a-uuid"}'),
                ('agent-2', 'quality', '{"event_id": "bbbbbbbb-0000-4000-8000-00000000000b"}'),
                ('agent-2', 'quality', '{"event_id": "bbbbbbbb-0000-4000-8000-00000000000b"}'),
                ('agent-3', 'quality', '{}'),
                ('agent-3', 'quality', '{"event_id": "CCCCCCCC-0000-4000-8000-00000000000C"}');
            INSERT INTO governance_mutations (mutation_id, session_id, actor_id, resource_type, mutation_type)
                VALUES (gen_random_uuid(), gen_random_uuid(), 'actor', 'fleet', 'update');
            INSERT INTO audit_entries (entry_id, resource_type, "timestamp", event_type, entry_hash, previous_hash, hash_domain_tag)
                VALUES (gen_random_uuid(), 'fleet', now(), 'created', 'h1', 'genesis', 'tag');
            INSERT INTO fleet_tasks (id, operator_id, agent_type, model, task_type, description, branch)
                VALUES ('11111111-1111-4111-8111-111111111111', 'op-1', 'codex', 'm', 'docs', 'd', 'b');
            INSERT INTO fleet_notifications (task_id, channel, payload) VALUES ('11111111-1111-4111-8111-111111111111', 'cli', '{}');
            INSERT INTO fleet_config (operator_id) VALUES ('op-1');
            INSERT INTO fleet_outbox (event_type, payload, dedup_key) VALUES ('spawned', '{}', 'k1');
            """);
    }

    private Task<List<string>> CountsAsync() => _database.ColumnAsync("""
        SELECT t || ' ' || (xpath('/row/c/text()', query_to_xml('SELECT count(*) AS c FROM ' || t, false, true, '')))[1]::text
        FROM unnest(ARRAY['schedules', 'autonomous_permissions', 'knowledge_freshness', 'dynamic_contracts', 'agent_identities',
                          'reputation_aggregates', 'reputation_task_cohorts', 'reputation_events', 'governance_mutations',
                          'audit_entries', 'fleet_tasks', 'fleet_notifications', 'fleet_config', 'fleet_outbox']) AS t
        ORDER BY t
        """);
}
