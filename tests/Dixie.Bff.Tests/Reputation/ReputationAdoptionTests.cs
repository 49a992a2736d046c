using System.Text.Json.Nodes;
using Dixie.Bff.Features.Reputation;
using Dixie.Bff.Tests.Infrastructure;
using Dixie.Bff.Tests.Support;
using Npgsql;
using static Dixie.Bff.Tests.Reputation.ReputationTesting;

namespace Dixie.Bff.Tests.Reputation;

/// <summary>
/// Spec 06 §14 item 27: a database the TypeScript service left behind (005–007 only, hand-seeded
/// aggregates, legacy events with a repeated id) is adopted by 016–018 and keeps working.
/// </summary>
public sealed class ReputationAdoptionTests
{
    [Fact]
    public async Task An_adopted_database_keeps_its_scores_seed_and_event_ids()
    {
        var connectionString = await (await SharedServers.GetAsync()).Postgres.CreateDatabaseAsync();
        var seeded = NewAgent();
        var other = NewAgent();
        var legacyId = Guid.NewGuid();
        await using (var dataSource = NpgsqlDataSource.Create(connectionString))
        {
            foreach (var file in new[] { "005_reputation_aggregates.sql", "006_reputation_task_cohorts.sql", "007_reputation_events.sql" })
                await Execute(dataSource, await EmbeddedAsync(file));
            await Execute(dataSource, """
                INSERT INTO reputation_aggregates (nft_id, state, blended_score, sample_count, data) VALUES
                  (@a, 'warming', 0.62, 4, jsonb_build_object('personality_id', @a, 'state', 'warming', 'personal_score', 0.7,
                       'collection_score', 0.5, 'blended_score', 0.6142857142857142, 'sample_count', 4, 'pseudo_count', 10,
                       'last_updated', '2026-10-01T00:00:00.000Z', 'legacy_extra', 'kept')),
                  (@b, 'cold', 0.8, 1, jsonb_build_object('personal_score', 0.8, 'blended_score', 0.8, 'sample_count', 1)),
                  (@c, 'cold', 0.5, 0, jsonb_build_object('personal_score', null));
                INSERT INTO reputation_events (nft_id, event_type, data) VALUES
                  (@a, 'quality_signal', jsonb_build_object('event_id', upper(@legacy))),
                  (@a, 'quality_signal', jsonb_build_object('event_id', @legacy)),
                  (@a, 'task_completed', jsonb_build_object('event_id', 'not-a-uuid'));
                """, ("a", seeded), ("b", other), ("c", NewAgent()), ("legacy", legacyId.ToString()));
        }

        await using var host = await ReputationHostFixture.StartAsync(connectionString);
        using var admin = ReputationHostFixture.Client(host, TestEnvironment.AdminKey);
        Assert.Equal(0.6142857142857142, await admin.ScoreAsync(seeded));
        var population = await (await admin.GetAsync("/api/reputation/population")).JsonAsync();
        Assert.Equal(0.75, population.GetProperty("mean").GetDouble(), 12);
        Assert.Equal(0.0025, population.GetProperty("variance").GetDouble(), 12);
        Assert.Equal(2, population.GetProperty("population_size").GetInt64());

        var replayedLegacy = Quality(seeded, 0.1, eventId: legacyId);
        Assert.Equal(1, (await admin.IngestAsync(replayedLegacy)).GetProperty("duplicates").GetInt32());

        var fresh = await admin.IngestAsync(Quality(seeded, 0.9, 5));
        Assert.Equal(5, fresh.GetProperty("aggregates")[0].GetProperty("sample_count").GetInt64());
        var data = JsonNode.Parse((string)(await host.ScalarAsync("SELECT data::text FROM reputation_aggregates WHERE nft_id = @id", ("id", seeded)))!)!;
        Assert.Equal(0.75, (double)data["collection_score"]!, 12);
        Assert.Equal(ReputationMath.Dampen(0.7, 0.9, 4), (double)data["personal_score"]!, 12);
        Assert.Equal("kept", (string?)data["legacy_extra"]);

        var report = await host.Get<ReputationReplay>().RunAsync(null, apply: false, CancellationToken.None);
        Assert.True(report.Differences.Count == 0, System.Text.Json.JsonSerializer.Serialize(report, ReputationJson.Wire.RebuildReport));
        Assert.Equal(1, report.EventsReplayed);
        Assert.Equal(3, report.AgentsChecked);
        var governor = host.Get<IEnumerable<Dixie.Bff.Features.Governance.IGovernor>>().Single(g => g.ResourceType == "reputation");
        Assert.True((await governor.CheckAsync(CancellationToken.None)).Invariants.Single(i => i.Id == "REP-002").Satisfied);
    }

    private static async Task<string> EmbeddedAsync(string file)
    {
        await using var stream = typeof(DixieApp).Assembly.GetManifestResourceStream("Dixie.Bff.Data.Migrations." + file)!;
        using var reader = new StreamReader(stream);
        return await reader.ReadToEndAsync();
    }

    private static async Task Execute(NpgsqlDataSource dataSource, string sql, params (string Name, object Value)[] parameters)
    {
        await using var command = dataSource.CreateCommand(sql);
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value);
        await command.ExecuteNonQueryAsync();
    }
}
