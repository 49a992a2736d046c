using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dixie.Bff.Features.Governance;
using Dixie.Bff.Features.Reputation;
using Dixie.Bff.Infrastructure.Telemetry;
using Dixie.Bff.Tests.Infrastructure;
using Dixie.Bff.Tests.Support;
using Npgsql;
using static Dixie.Bff.Tests.Reputation.ReputationTesting;

namespace Dixie.Bff.Tests.Reputation;

/// <summary>
/// Spec 06 §14 items 19, 22, 24–26 and 29: tests that own a whole, freshly migrated database, because the
/// population prior and the governor's invariants are global.
/// </summary>
public sealed class ReputationDatabaseTests
{
    private static async Task<string> NewDatabaseAsync() => await (await SharedServers.GetAsync()).Postgres.CreateDatabaseAsync();

    [Fact]
    public async Task Worked_example_2_end_to_end_and_the_population_on_a_fresh_database()
    {
        var spans = new List<Activity>();
        await using var host = await ReputationHostFixture.StartAsync(spans: spans);
        using var admin = ReputationHostFixture.Client(host, TestEnvironment.AdminKey);
        Assert.Equal("""{"mean":0.5,"variance":0,"population_size":0,"store_count":0}""",
            await (await admin.GetAsync("/api/reputation/population")).Content.ReadAsStringAsync());

        var agent = NewAgent();
        var events = new[] { Quality(agent, 0.8, 0), Quality(agent, 0.6, 1), Quality(agent, 0.9, 2) };
        var traces = new HashSet<string>();
        foreach (var ev in events) await admin.IngestAsync(traces, ev);

        Assert.Equal(0.7899628307692308, await admin.ScoreAsync(agent));
        var population = await (await admin.GetAsync("/api/reputation/population")).JsonAsync();
        Assert.Equal(0.7903018666666667, population.GetProperty("mean").GetDouble());
        Assert.Equal(8.018822030222271e-05, population.GetProperty("variance").GetDouble(), 1e-15);
        Assert.Equal(3, population.GetProperty("population_size").GetInt64());
        Assert.Equal(1, population.GetProperty("store_count").GetInt64());
        var data = JsonNode.Parse((string)(await host.ScalarAsync("SELECT data::text FROM reputation_aggregates WHERE nft_id = @id", ("id", agent)))!)!;
        Assert.Equal("warming", (string?)data["state"]);
        Assert.Equal(0.7892, (double)data["collection_score"]!);
        var history = data["transition_history"]!.AsArray();
        Assert.Equal("cold", (string?)Assert.Single(history)!["from"]);
        Assert.Equal(Timestamp(0), (string?)history[0]!["at"]);

        // Replaying the same events is a duplicate: the population and version stay as they are.
        var version = await host.ScalarAsync("SELECT version FROM reputation_aggregates WHERE nft_id = @id", ("id", agent));
        Assert.Equal(3, (await admin.IngestAsync(traces, events)).GetProperty("duplicates").GetInt32());
        Assert.Equal(3L, await host.ScalarAsync("SELECT count FROM reputation_population"));
        Assert.Equal(version, await host.ScalarAsync("SELECT version FROM reputation_aggregates WHERE nft_id = @id", ("id", agent)));

        var updates = LockedSpanExporter.Snapshot(spans).Where(s => s.DisplayName == SpanAllowlist.ReputationUpdate && traces.Contains(s.TraceId.ToHexString())).ToList();
        Assert.Equal(3, updates.Count);
        Assert.All(updates, s => Assert.Equal("n/a", s.GetTagItem("model_id")));
        Assert.Equal(0.7899628307692308, updates.Select(s => (double)s.GetTagItem("ema_value")!).Last());
        Assert.All(updates, s => Assert.NotNull(s.GetTagItem("score")));
    }

    [Fact]
    public async Task Each_applied_event_has_one_update_span_with_its_model()
    {
        var spans = new List<Activity>();
        await using var host = await ReputationHostFixture.StartAsync(spans: spans);
        using var admin = ReputationHostFixture.Client(host, TestEnvironment.AdminKey);
        var agent = NewAgent();
        var performance = ModelPerformance(agent, "gpt-4o", "analysis", 0.6);
        var traces = new HashSet<string>();
        await admin.IngestAsync(traces, performance, Credential(agent, 1));
        await admin.IngestAsync(traces, performance);

        var updates = LockedSpanExporter.Snapshot(spans).Where(s => s.DisplayName == SpanAllowlist.ReputationUpdate && traces.Contains(s.TraceId.ToHexString())).ToList();
        Assert.Equal(2, updates.Count);
        Assert.Equal("gpt-4o", updates[0].GetTagItem("model_id"));
        Assert.Equal(0.6, updates[0].GetTagItem("score"));
        Assert.Equal("model_performance", updates[0].GetTagItem("event_type"));
        Assert.Equal("n/a", updates[1].GetTagItem("model_id"));
        Assert.Equal("credential_update", updates[1].GetTagItem("event_type"));
        Assert.All(updates, s => Assert.NotEqual(default, s.ParentSpanId));
    }

    [Fact]
    public async Task Two_first_events_give_the_population_of_spec_example()
    {
        await using var host = await ReputationHostFixture.StartAsync();
        using var admin = ReputationHostFixture.Client(host, TestEnvironment.AdminKey);
        await admin.IngestAsync(Quality(NewAgent(), 0.7));
        await admin.IngestAsync(Quality(NewAgent(), 0.8));
        var population = await (await admin.GetAsync("/api/reputation/population")).JsonAsync();
        Assert.Equal(0.75, population.GetProperty("mean").GetDouble(), 12);
        Assert.Equal(0.0025, population.GetProperty("variance").GetDouble(), 12);
        Assert.Equal(2, population.GetProperty("population_size").GetInt64());
        Assert.Equal(2, population.GetProperty("store_count").GetInt64());
    }

    [Fact]
    public async Task Two_hundred_concurrent_events_for_one_agent_on_two_instances_lose_no_update()
    {
        var databaseUrl = await NewDatabaseAsync();
        await using var host = await ReputationHostFixture.StartAsync(databaseUrl);
        await using var second = await ReputationHostFixture.StartAsync(databaseUrl);
        var agent = NewAgent();
        var random = new Random(200);
        var events = Enumerable.Range(0, 200).Select(i => Quality(agent, Math.Round(random.NextDouble(), 3), i)).ToArray();
        var others = Enumerable.Range(0, 40).Select(i => Quality(NewAgent(), 0.5, i)).ToArray();
        var work = new System.Collections.Concurrent.ConcurrentQueue<JsonObject>(events.Concat(others).OrderBy(_ => random.Next()));
        var tasks = Enumerable.Range(0, 8).Select(async i =>
        {
            using var admin = ReputationHostFixture.Client(i % 2 == 0 ? host : second, TestEnvironment.AdminKey);
            while (work.TryDequeue(out var ev)) await admin.IngestAsync(ev);
        });
        await Task.WhenAll(tasks);

        Assert.Equal(200, await host.ScalarAsync("SELECT sample_count FROM reputation_aggregates WHERE nft_id = @id", ("id", agent)));
        Assert.Equal(240L, await host.ScalarAsync("SELECT count FROM reputation_population"));

        // A sequential fold of the stored order gives the same score, bit for bit.
        var population = PopulationStats.Empty;
        var aggregates = new Dictionary<string, JsonObject>();
        await using (var command = host.Get<NpgsqlDataSource>().CreateCommand("SELECT data::text FROM reputation_events ORDER BY id"))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                using var document = JsonDocument.Parse(reader.GetString(0));
                var ev = ReputationEventParser.Parse(document.RootElement, null).Event!;
                var result = ReputationFold.Apply(aggregates.GetValueOrDefault(ev.AgentId), ev, population);
                (aggregates[ev.AgentId], population) = (result.Aggregate, result.Population);
            }
        }
        using var reader2 = ReputationHostFixture.Client(host, null);
        Assert.Equal(AggregateJson.Number(aggregates[agent]["blended_score"]), await reader2.ScoreAsync(agent));

        var report = await host.Get<ReputationReplay>().RunAsync(null, apply: false, CancellationToken.None);
        Assert.Empty(report.Differences);
        Assert.Equal(240, report.EventsReplayed);
    }

    [Fact]
    [Trait("Category", "Faults")]
    public async Task Scores_survive_a_restart_and_equal_the_rebuild()
    {
        var databaseUrl = await NewDatabaseAsync();
        var agents = Enumerable.Range(0, 3).Select(_ => NewAgent()).ToArray();
        var before = new Dictionary<string, double?>();
        await using (var first = await ReputationHostFixture.StartAsync(databaseUrl))
        {
            using var admin = ReputationHostFixture.Client(first, TestEnvironment.AdminKey);
            await admin.IngestAsync([.. agents.SelectMany((a, i) => new[] { Quality(a, 0.3 + i * 0.2, i), ModelPerformance(a, "m", "analysis", 0.9, i + 10) })]);
            foreach (var agent in agents) before[agent] = await admin.ScoreAsync(agent);
        }
        await using var second = await ReputationHostFixture.StartAsync(databaseUrl);
        using var reader = ReputationHostFixture.Client(second, null);
        foreach (var agent in agents) Assert.Equal(before[agent], await reader.ScoreAsync(agent));

        var output = new StringWriter();
        var exit = await RebuildCommand.RunAsync(["--json"], second.ConnectionString(), output, TextWriter.Null,
            Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance, CancellationToken.None);
        Assert.Equal(RebuildCommand.Clean, exit);
        var report = JsonDocument.Parse(output.ToString()).RootElement;
        Assert.Equal(0, report.GetProperty("differences").GetArrayLength());
        Assert.Equal(6, report.GetProperty("events_replayed").GetInt64());
    }

    [Fact]
    public async Task A_tampered_score_degrades_the_governor_and_rebuild_apply_repairs_it()
    {
        await using var host = await ReputationHostFixture.StartAsync();
        using var admin = ReputationHostFixture.Client(host, TestEnvironment.AdminKey);
        var agent = NewAgent();
        await admin.IngestAsync(Quality(agent, 0.8), ModelPerformance(agent, "m", "analysis", 0.6, 1));
        var governor = host.Get<IEnumerable<IGovernor>>().Single(g => g.ResourceType == "reputation");
        var healthy = await governor.CheckAsync(CancellationToken.None);
        Assert.Equal("healthy", healthy.Status);
        Assert.Equal(1, healthy.TotalItems);
        Assert.Equal(["INV-013", "REP-001", "REP-002"], healthy.Invariants.Select(i => i.Id));

        await host.ScalarAsync("UPDATE reputation_aggregates SET data = jsonb_set(data, '{blended_score}', '0.99') WHERE nft_id = @id", ("id", agent));
        var degraded = await governor.CheckAsync(CancellationToken.None);
        Assert.Equal("degraded", degraded.Status);
        var inv013 = degraded.Invariants.Single(i => i.Id == "INV-013");
        Assert.False(inv013.Satisfied);
        Assert.Contains(agent, inv013.Detail);

        var output = new StringWriter();
        Assert.Equal(RebuildCommand.DifferencesFound, await RebuildCommand.RunAsync([agent], host.ConnectionString(), output, TextWriter.Null,
            Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance, CancellationToken.None));
        Assert.Contains($"{agent} field blended_score", output.ToString());

        using var apply = await admin.PostAsync("/api/admin/reputation/rebuild",
            new StringContent($$"""{"nft_id":"{{agent}}","apply":true}""", System.Text.Encoding.UTF8, "application/json"));
        var report = await apply.JsonAsync();
        Assert.True(report.GetProperty("applied").GetBoolean());
        Assert.Equal("healthy", (await governor.CheckAsync(CancellationToken.None)).Status);
        Assert.Equal(1L, await host.ScalarAsync("SELECT count(*) FROM audit_entries WHERE event_type = 'reputation.aggregate.rebuilt' AND payload->>'nft_id' = @id", ("id", agent)));
        Assert.Equal(1L, await host.ScalarAsync("SELECT count(*) FROM governance_mutations WHERE mutation_type = 'reputation.aggregates.rebuilt'"));
        Assert.Equal(RebuildCommand.Clean, await RebuildCommand.RunAsync([], host.ConnectionString(), TextWriter.Null, TextWriter.Null,
            Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance, CancellationToken.None));
    }

    [Fact]
    public async Task Broken_sample_counts_and_population_counts_degrade_the_governor()
    {
        await using var host = await ReputationHostFixture.StartAsync();
        using var admin = ReputationHostFixture.Client(host, TestEnvironment.AdminKey);
        var agent = NewAgent();
        await admin.IngestAsync(ModelPerformance(agent, "m", "analysis", 0.6));
        var governor = host.Get<IEnumerable<IGovernor>>().Single(g => g.ResourceType == "reputation");

        await host.ScalarAsync("UPDATE reputation_task_cohorts SET data = jsonb_set(data, '{sample_count}', '-1') WHERE nft_id = @id", ("id", agent));
        await host.ScalarAsync("UPDATE reputation_population SET count = count + 5");
        var check = await governor.CheckAsync(CancellationToken.None);
        Assert.Equal("degraded", check.Status);
        Assert.False(check.Invariants.Single(i => i.Id == "REP-001").Satisfied);
        Assert.Contains(agent, check.Invariants.Single(i => i.Id == "REP-001").Detail);
        Assert.False(check.Invariants.Single(i => i.Id == "REP-002").Satisfied);
        Assert.True(check.Invariants.Single(i => i.Id == "INV-013").Satisfied);
    }
}
