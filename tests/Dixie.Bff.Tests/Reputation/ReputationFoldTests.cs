using System.Text.Json.Nodes;
using Dixie.Bff.Features.Reputation;
using static Dixie.Bff.Tests.Reputation.ReputationTesting;

namespace Dixie.Bff.Tests.Reputation;

/// <summary>Spec 06 §14 items 5, 6, 12 and 14: the fold, pure.</summary>
public sealed class ReputationFoldTests
{
    private const double Tolerance = 1e-12;

    private static double Num(JsonNode? node) => AggregateJson.Number(node)!.Value;

    private static string Relaxed(JsonNode? node) =>
        node!.ToJsonString(new System.Text.Json.JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });

    [Fact]
    public void Worked_example_1()
    {
        var agent = NewAgent();
        var aggregate = AggregateJson.Cold(Parse(Quality(agent, 0.5)));
        aggregate["state"] = "warming";
        aggregate["personal_score"] = 0.6;
        aggregate["blended_score"] = 0.55;
        aggregate["sample_count"] = 5;

        var result = ReputationFold.Apply(aggregate, Parse(Quality(agent, 0.9, 10)), PopulationStats.Empty);

        Assert.Equal(0.14, ReputationMath.Alpha(5), Tolerance);
        Assert.Equal(0.642, Num(result.Aggregate["personal_score"]), Tolerance);
        Assert.Equal(6, Num(result.Aggregate["sample_count"]));
        Assert.Equal(0.55325, Num(result.Aggregate["blended_score"]), Tolerance);
        Assert.Equal(0.5, Num(result.Aggregate["collection_score"]));
    }

    [Fact]
    public void Worked_example_2_from_an_empty_population()
    {
        var agent = NewAgent();
        var first = ReputationFold.Apply(null, Parse(Quality(agent, 0.8, 0)), PopulationStats.Empty);
        Assert.Equal(0.5, Num(first.Aggregate["collection_score"]));
        Assert.Equal(0.8, Num(first.Aggregate["personal_score"]));
        Assert.Equal(0.5272727272727272, Num(first.Aggregate["blended_score"]), Tolerance);
        Assert.Equal(new PopulationStats(1, 0.8, 0), first.Population);
        Assert.Equal("warming", AggregateJson.Text(first.Aggregate["state"]));
        var transition = Assert.Single(first.Effects.Transitions);
        Assert.Equal(new StateTransition("cold", "warming", Timestamp(0), "sample_count>=1"), transition);

        var second = ReputationFold.Apply(first.Aggregate, Parse(Quality(agent, 0.6, 1)), first.Population);
        Assert.Equal(0.8, Num(second.Aggregate["collection_score"]));
        Assert.Equal(0.7784, Num(second.Aggregate["personal_score"]), Tolerance);
        Assert.Equal(0.7963999999999999, Num(second.Aggregate["blended_score"]), Tolerance);
        Assert.Equal(2, second.Population.Count);
        Assert.Equal(0.7892, second.Population.Mean, Tolerance);
        Assert.Equal(0.00023328, second.Population.M2, Tolerance);

        var third = ReputationFold.Apply(second.Aggregate, Parse(Quality(agent, 0.9, 2)), second.Population);
        Assert.Equal(0.7892, Num(third.Aggregate["collection_score"]), Tolerance);
        Assert.Equal(0.116, ReputationMath.Alpha(2), Tolerance);
        Assert.Equal(0.7925056, Num(third.Aggregate["personal_score"]), Tolerance);
        Assert.Equal(3, Num(third.Aggregate["sample_count"]));
        Assert.Equal(0.7899628307692308, Num(third.Aggregate["blended_score"]), Tolerance);
        Assert.Equal(0.7903018666666667, third.Population.Mean, Tolerance);
        Assert.Equal(0.00024056466090666812, third.Population.M2, Tolerance);
        Assert.Equal(8.018822030222271e-05, third.Population.Variance, Tolerance);
        Assert.Equal("warming", AggregateJson.Text(third.Aggregate["state"]));
        Assert.Single(third.Aggregate["transition_history"]!.AsArray());
    }

    [Fact]
    public void Worked_example_2_with_the_prior_pinned_at_one_half()
    {
        var agent = NewAgent();
        JsonObject? aggregate = null;
        var blended = new List<double>();
        foreach (var (score, i) in new[] { 0.8, 0.6, 0.9 }.Select((s, i) => (s, i)))
        {
            aggregate = ReputationFold.Apply(aggregate, Parse(Quality(agent, score, i)), PopulationStats.Empty).Aggregate;
            blended.Add(Num(aggregate["blended_score"]));
        }
        Assert.Equal(0.5272727272727272, blended[0], Tolerance);
        Assert.Equal(0.5464, blended[1], Tolerance);
        Assert.Equal(0.5675012923076923, blended[2], Tolerance);
    }

    [Theory]
    [InlineData(10, 10, 9, "warming", "established")]
    [InlineData(10, 10, 89, "established", "established")]
    [InlineData(10, 10, 90, "established", "authoritative")]
    [InlineData(3, 10, 26, "established", "established")]
    [InlineData(3, 10, 27, "established", "authoritative")]
    [InlineData(10, 10, 0, "cold", "warming")]
    public void State_advances_at_the_thresholds(int k, int min, int nBefore, string from, string to)
    {
        var agent = NewAgent();
        var aggregate = AggregateJson.Cold(Parse(Quality(agent, 0.5)));
        aggregate["state"] = from;
        aggregate["pseudo_count"] = k;
        aggregate["min_sample_count"] = min;
        aggregate["sample_count"] = nBefore;
        aggregate["personal_score"] = nBefore == 0 ? null : 0.7;
        var result = ReputationFold.Apply(aggregate, Parse(Quality(agent, 0.7, 5)), PopulationStats.Empty);
        Assert.Equal(to, AggregateJson.Text(result.Aggregate["state"]));
        Assert.Equal(from == to ? 0 : 1, result.Effects.Transitions.Count);
    }

    [Fact]
    public void An_adopted_cold_aggregate_with_15_samples_advances_twice_in_one_event()
    {
        var agent = NewAgent();
        var adopted = new JsonObject { ["personality_id"] = agent, ["state"] = "cold", ["sample_count"] = 15, ["personal_score"] = 0.7, ["blended_score"] = 0.62 };
        var result = ReputationFold.Apply(adopted, Parse(TaskCompleted(agent, 3)), PopulationStats.Empty);
        Assert.Equal("established", AggregateJson.Text(result.Aggregate["state"]));
        var history = result.Aggregate["transition_history"]!.AsArray();
        Assert.Equal(2, history.Count);
        Assert.Equal("""{"from":"cold","to":"warming","at":"2026-11-01T00:00:03.000Z","trigger":"sample_count>=1"}""", Relaxed(history[0]));
        Assert.Equal("""{"from":"warming","to":"established","at":"2026-11-01T00:00:03.000Z","trigger":"sample_count>=min_sample_count"}""", Relaxed(history[1]));
    }

    public static TheoryData<string> EventTypes => ["quality_signal", "model_performance", "task_completed", "credential_update"];

    [Theory]
    [MemberData(nameof(EventTypes))]
    public void A_cold_aggregate_from_each_event_type_has_the_defaults(string type)
    {
        var agent = NewAgent();
        var json = type switch
        {
            "quality_signal" => Quality(agent, 0.5),
            "model_performance" => ModelPerformance(agent, "gpt", "unspecified", 0.5, pool: "pool-x"),
            "task_completed" => TaskCompleted(agent),
            _ => Credential(agent),
        };
        var cold = AggregateJson.Cold(Parse(json));
        Assert.Equal(agent, AggregateJson.Text(cold["personality_id"]));
        Assert.Equal("collection-1", AggregateJson.Text(cold["collection_id"]));
        Assert.Equal(type == "model_performance" ? "pool-x" : "default", AggregateJson.Text(cold["pool_id"]));
        Assert.Equal(10, Num(cold["pseudo_count"]));
        Assert.Equal(10, Num(cold["min_sample_count"]));
        Assert.Equal(0.5, Num(cold["collection_score"]));
        Assert.Equal(0.5, Num(cold["blended_score"]));
        Assert.Equal(0, Num(cold["sample_count"]));
        Assert.Null(cold["personal_score"]);
        Assert.Equal("8.2.0", AggregateJson.Text(cold["contract_version"]));
        Assert.Equal("cold", AggregateJson.Text(cold["state"]));

        var applied = ReputationFold.Apply(null, Parse(json), PopulationStats.Empty);
        Assert.Equal(ReputationEventTypes.ChangesScore(type), applied.Effects.ScoreChanged);
    }

    [Fact]
    public void Task_completed_and_credential_update_change_no_score()
    {
        var agent = NewAgent();
        var start = ReputationFold.Apply(null, Parse(Quality(agent, 0.8)), PopulationStats.Empty);
        foreach (var ev in new[] { TaskCompleted(agent, 5), Credential(agent, 6) })
        {
            var after = ReputationFold.Apply(start.Aggregate, Parse(ev), start.Population);
            Assert.Equal(start.Population, after.Population);
            foreach (var field in new[] { "personal_score", "blended_score", "sample_count", "collection_score", "last_updated" })
                Assert.True(JsonSame.Equal(start.Aggregate[field], after.Aggregate[field]), field);
        }
    }

    [Fact]
    public void Cohorts_are_created_updated_skipped_for_unspecified_and_capped_at_50()
    {
        var agent = NewAgent();
        var first = ReputationFold.Apply(null, Parse(ModelPerformance(agent, "m1", "analysis", 0.8, 0)), PopulationStats.Empty);
        Assert.Equal("""{"model_id":"m1","task_type":"analysis","personal_score":0.8,"sample_count":1,"last_updated":"2026-11-01T00:00:00.000Z"}""",
            first.Effects.Cohort!.ToJsonString());
        var second = ReputationFold.Apply(first.Aggregate, Parse(ModelPerformance(agent, "m1", "analysis", 0.6, 5)), first.Population);
        var cohort = second.Effects.Cohort!;
        Assert.Equal(0.8 + 0.108 * (0.6 - 0.8), Num(cohort["personal_score"]), Tolerance);
        Assert.Equal(2, Num(cohort["sample_count"]));
        Assert.Single(second.Aggregate["task_cohorts"]!.AsArray());

        var unspecified = ReputationFold.Apply(second.Aggregate, Parse(ModelPerformance(agent, "m2", "unspecified", 0.6, 6)), second.Population);
        Assert.Null(unspecified.Effects.Cohort);
        Assert.Single(unspecified.Aggregate["task_cohorts"]!.AsArray());
        Assert.Equal(3, Num(unspecified.Aggregate["sample_count"]));

        var full = first.Aggregate.DeepClone().AsObject();
        var cohorts = new JsonArray();
        for (var i = 0; i < 50; i++)
            cohorts.Add(new JsonObject { ["model_id"] = $"m{i}", ["task_type"] = "general", ["personal_score"] = 0.5, ["sample_count"] = 1, ["last_updated"] = Timestamp() });
        full["task_cohorts"] = cohorts;
        var refused = ReputationFold.Apply(full, Parse(ModelPerformance(agent, "new-model", "general", 0.9, 7)), first.Population);
        Assert.Null(refused.Effects.Cohort);
        Assert.Equal(50, refused.Aggregate["task_cohorts"]!.AsArray().Count);
        Assert.Equal(2, Num(refused.Aggregate["sample_count"]));
    }

    [Fact]
    public void Dimensions_are_dampened_blended_with_the_same_prior_and_carried_forward()
    {
        var agent = NewAgent();
        var first = ReputationFold.Apply(null, Parse(Quality(agent, 0.8, 0, new JsonObject { ["accuracy"] = 0.9, ["clarity"] = 0.4 })), PopulationStats.Empty);
        var dims = first.Aggregate["dimension_scores"]!.AsObject();
        Assert.Equal(ReputationMath.Blend(0.9, 0.5, 1, 10), Num(dims["accuracy"]), Tolerance);
        Assert.Equal(ReputationMath.Blend(0.4, 0.5, 1, 10), Num(dims["clarity"]), Tolerance);

        var second = ReputationFold.Apply(first.Aggregate, Parse(Quality(agent, 0.6, 1, new JsonObject { ["accuracy"] = 0.2 })), first.Population);
        var after = second.Aggregate["dimension_scores"]!.AsObject();
        var storedAccuracy = Num(dims["accuracy"]);
        Assert.Equal(ReputationMath.Blend(ReputationMath.Dampen(storedAccuracy, 0.2, 1), 0.8, 2, 10), Num(after["accuracy"]), Tolerance);
        Assert.Equal(Num(dims["clarity"]), Num(after["clarity"]));
    }

    [Fact]
    public void Last_updated_never_goes_backwards_and_unknown_fields_survive()
    {
        var agent = NewAgent();
        var first = ReputationFold.Apply(null, Parse(Quality(agent, 0.8, 100)), PopulationStats.Empty);
        first.Aggregate["model_cohorts"] = new JsonArray(1, 2);
        first.Aggregate["hand_seeded"] = "kept";
        var older = ReputationFold.Apply(first.Aggregate, Parse(Quality(agent, 0.6, 50)), first.Population);
        Assert.Equal(Timestamp(100), AggregateJson.Text(older.Aggregate["last_updated"]));
        Assert.Equal("[1,2]", older.Aggregate["model_cohorts"]!.ToJsonString());
        Assert.Equal("kept", AggregateJson.Text(older.Aggregate["hand_seeded"]));
        var newer = ReputationFold.Apply(older.Aggregate, Parse(Quality(agent, 0.6, 150)), older.Population);
        Assert.Equal(Timestamp(150), AggregateJson.Text(newer.Aggregate["last_updated"]));
    }

    [Fact]
    public void Apply_never_mutates_its_input()
    {
        var agent = NewAgent();
        var first = ReputationFold.Apply(null, Parse(Quality(agent, 0.8)), PopulationStats.Empty);
        var before = first.Aggregate.ToJsonString();
        ReputationFold.Apply(first.Aggregate, Parse(ModelPerformance(agent, "m", "analysis", 0.3, 2)), first.Population);
        Assert.Equal(before, first.Aggregate.ToJsonString());
    }

    [Fact]
    public void Random_streams_fold_identically_batch_by_batch_and_in_one_pass()
    {
        var random = new Random(6);
        for (var round = 0; round < 20; round++)
        {
            var agents = Enumerable.Range(0, 3).Select(_ => NewAgent()).ToArray();
            var events = Enumerable.Range(0, 60).Select(i => Parse(RandomEvent(random, agents[random.Next(agents.Length)], i))).ToList();

            var (onePass, onePassPopulation) = Fold(events, PopulationStats.Empty, []);
            // Live style: batches with a JSON round trip between them, as through the database.
            var stored = new Dictionary<string, JsonObject>();
            var population = PopulationStats.Empty;
            foreach (var batch in events.Chunk(random.Next(1, 10)))
            {
                (stored, population) = Fold(batch, population, stored);
                stored = stored.ToDictionary(p => p.Key, p => JsonNode.Parse(p.Value.ToJsonString())!.AsObject());
            }
            Assert.Equal(onePassPopulation, population);
            foreach (var (agent, aggregate) in onePass)
                Assert.Equal(aggregate.ToJsonString(), stored[agent].ToJsonString());

            var again = Fold(events, PopulationStats.Empty, []);
            Assert.Equal(onePassPopulation, again.Population);
            Assert.All(onePass, p => Assert.Equal(p.Value.ToJsonString(), again.Aggregates[p.Key].ToJsonString()));
        }
    }

    private static (Dictionary<string, JsonObject> Aggregates, PopulationStats Population) Fold(
        IEnumerable<ReputationEvent> events, PopulationStats population, Dictionary<string, JsonObject> start)
    {
        var aggregates = new Dictionary<string, JsonObject>(start);
        foreach (var ev in events)
        {
            var result = ReputationFold.Apply(aggregates.GetValueOrDefault(ev.AgentId), ev, population);
            aggregates[ev.AgentId] = result.Aggregate;
            population = result.Population;
        }
        return (aggregates, population);
    }

    private static JsonObject RandomEvent(Random random, string agent, int i) => random.Next(4) switch
    {
        0 => Quality(agent, random.NextDouble(), random.Next(1000), random.Next(2) == 0 ? null : new JsonObject { ["accuracy"] = random.NextDouble() }),
        1 => ModelPerformance(agent, $"m{random.Next(3)}", random.Next(4) == 0 ? "unspecified" : "analysis", random.NextDouble(), random.Next(1000)),
        2 => TaskCompleted(agent, i),
        _ => Credential(agent, i),
    };
}
