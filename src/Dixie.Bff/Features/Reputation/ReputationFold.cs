using System.Text.Json.Nodes;

namespace Dixie.Bff.Features.Reputation;

/// <summary>A state change of spec 06 §5.6, as written to `transition_history`.</summary>
public sealed record StateTransition(string From, string To, string At, string Trigger)
{
    public JsonObject ToJson() => new() { ["from"] = From, ["to"] = To, ["at"] = At, ["trigger"] = Trigger };
}

/// <summary>What one event did besides the new aggregate and population.</summary>
public sealed record FoldEffects(bool ScoreChanged, JsonObject? Cohort, IReadOnlyList<StateTransition> Transitions);

public sealed record FoldResult(JsonObject Aggregate, PopulationStats Population, FoldEffects Effects);

/// <summary>
/// The one fold of spec 06 §6, used by the live write path and by replay. Pure: no clock, no I/O, and the
/// inputs are never mutated, so identical input gives bit-identical output.
/// </summary>
public static class ReputationFold
{
    public static FoldResult Apply(JsonObject? aggregate, ReputationEvent ev, PopulationStats population)
    {
        var next = aggregate is null ? AggregateJson.Cold(ev) : AggregateJson.Normalise(aggregate.DeepClone().AsObject());
        JsonObject? cohort = null;
        if (ev.ChangesScore)
        {
            var observed = Observe(next, ev, population);
            if (ev.Type == ReputationEventTypes.ModelPerformance && ev.TaskType != "unspecified")
                cohort = Cohort(next, ev.ModelId!, ev.TaskType!, ev.Score!.Value, ev.Timestamp);
            // Added only after blending, so an observation never influences its own prior.
            population = population.Add(observed);
        }
        var transitions = Advance(next, ev.Timestamp);
        return new FoldResult(next, population, new FoldEffects(ev.ChangesScore, cohort, transitions));
    }

    /// <summary>Observe(x) and Dims(D) with one prior; returns p′, the value the population absorbs.</summary>
    private static double Observe(JsonObject aggregate, ReputationEvent ev, PopulationStats population)
    {
        var n = AggregateJson.Number(aggregate["sample_count"])!.Value;
        var k = AggregateJson.Number(aggregate["pseudo_count"])!.Value;
        var c = population.Count >= 1 ? population.Mean : AggregateJson.Number(aggregate["collection_score"])!.Value;
        var personal = ReputationMath.Dampen(AggregateJson.Number(aggregate["personal_score"]), ev.Score!.Value, n);
        aggregate["personal_score"] = personal;
        aggregate["sample_count"] = AggregateJson.NumberNode(n + 1);
        aggregate["collection_score"] = c;
        aggregate["blended_score"] = ReputationMath.Blend(personal, c, n + 1, k);
        aggregate["last_updated"] = ReputationTime.Later(AggregateJson.Text(aggregate["last_updated"]), ev.Timestamp);

        if (ev.Dimensions is { } dimensions)
        {
            if (aggregate["dimension_scores"] is not JsonObject stored)
            {
                stored = new JsonObject();
                aggregate["dimension_scores"] = stored;
            }
            foreach (var (key, value) in dimensions)
            {
                // The stored value is already blended and is dampened again next time (kept on purpose, spec 06 §6).
                var dampened = ReputationMath.Dampen(AggregateJson.Number(stored[key]), value, n);
                stored[key] = ReputationMath.Blend(dampened, c, n + 1, k);
            }
        }
        return personal;
    }

    private static JsonObject? Cohort(JsonObject aggregate, string modelId, string taskType, double x, string timestamp)
    {
        var cohorts = aggregate["task_cohorts"]!.AsArray();
        foreach (var node in cohorts)
        {
            if (node is not JsonObject existing || AggregateJson.Text(existing["model_id"]) != modelId
                || AggregateJson.Text(existing["task_type"]) != taskType)
            {
                continue;
            }
            var n = Math.Max(0, AggregateJson.Number(existing["sample_count"]) ?? 0);
            existing["personal_score"] = ReputationMath.Dampen(AggregateJson.Number(existing["personal_score"]), x, n);
            existing["sample_count"] = AggregateJson.NumberNode(n + 1);
            existing["last_updated"] = ReputationTime.Later(AggregateJson.Text(existing["last_updated"]), timestamp);
            return existing.DeepClone().AsObject();
        }
        if (cohorts.Count >= ReputationMath.MaxTaskCohorts) return null;
        var created = new JsonObject
        {
            ["model_id"] = modelId, ["task_type"] = taskType, ["personal_score"] = x, ["sample_count"] = 1L, ["last_updated"] = timestamp,
        };
        cohorts.Add(created);
        return created.DeepClone().AsObject();
    }

    /// <summary>Spec 06 §5.6, repeated until no rule fires; states never move backwards.</summary>
    private static List<StateTransition> Advance(JsonObject aggregate, string at)
    {
        var transitions = new List<StateTransition>();
        var n = AggregateJson.Number(aggregate["sample_count"])!.Value;
        var k = AggregateJson.Number(aggregate["pseudo_count"])!.Value;
        var min = AggregateJson.Number(aggregate["min_sample_count"])!.Value;
        while (true)
        {
            var state = AggregateJson.Text(aggregate["state"])!;
            StateTransition? step = state switch
            {
                "cold" when n >= 1 => new("cold", "warming", at, "sample_count>=1"),
                "warming" when n >= min => new("warming", "established", at, "sample_count>=min_sample_count"),
                "established" when ReputationMath.PersonalWeight(n, k) > ReputationMath.AuthoritativeWeight =>
                    new("established", "authoritative", at, "personal_weight>0.9"),
                _ => null,
            };
            if (step is null) return transitions;
            aggregate["state"] = step.To;
            aggregate["transition_history"]!.AsArray().Add(step.ToJson());
            transitions.Add(step);
        }
    }
}
