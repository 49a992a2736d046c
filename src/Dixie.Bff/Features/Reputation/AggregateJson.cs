using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Dixie.Bff.Features.Reputation;

/// <summary>
/// Reading and normalising the aggregate JSON (spec 06 §3.1). The aggregate stays a JSON object so
/// fields the service does not know survive every write unchanged.
/// </summary>
public static class AggregateJson
{
    public static readonly string[] States = ["cold", "warming", "established", "authoritative"];

    /// <summary>A JSON number as a double, whatever way the node was built; null for anything else.</summary>
    public static double? Number(JsonNode? node) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.Number
            ? double.Parse(value.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture)
            : null;

    public static string? Text(JsonNode? node) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;

    /// <summary>
    /// Fills the defaults of an adopted or hand-written aggregate in place: k 10, min 10, c 0.5, n 0,
    /// p null, state cold for a missing or unknown value, empty history and cohorts. Timestamps stay missing.
    /// </summary>
    public static JsonObject Normalise(JsonObject aggregate)
    {
        FillNumber(aggregate, "pseudo_count", ReputationMath.DefaultPseudoCount);
        FillNumber(aggregate, "min_sample_count", ReputationMath.DefaultMinSampleCount);
        FillNumber(aggregate, "collection_score", ReputationMath.DefaultCollectionScore);
        FillNumber(aggregate, "sample_count", 0);
        if (!aggregate.ContainsKey("personal_score") || (aggregate["personal_score"] is { } p && Number(p) is null))
            aggregate["personal_score"] = null;
        if (Text(aggregate["state"]) is not { } state || Array.IndexOf(States, state) < 0) aggregate["state"] = "cold";
        if (aggregate["transition_history"] is not JsonArray) aggregate["transition_history"] = new JsonArray();
        if (aggregate["task_cohorts"] is not JsonArray) aggregate["task_cohorts"] = new JsonArray();
        return aggregate;
    }

    /// <summary>The cold aggregate of a first event (spec 06 §3.1), fields in the table's order.</summary>
    public static JsonObject Cold(ReputationEvent first) => new()
    {
        ["personality_id"] = first.AgentId,
        ["collection_id"] = first.CollectionId,
        ["pool_id"] = first.Type == ReputationEventTypes.ModelPerformance ? first.PoolId : "default",
        ["state"] = "cold",
        ["personal_score"] = null,
        ["collection_score"] = ReputationMath.DefaultCollectionScore,
        ["blended_score"] = ReputationMath.DefaultCollectionScore,
        ["sample_count"] = 0L,
        ["pseudo_count"] = (long)ReputationMath.DefaultPseudoCount,
        ["contributor_count"] = 0L,
        ["min_sample_count"] = (long)ReputationMath.DefaultMinSampleCount,
        ["created_at"] = first.Timestamp,
        ["last_updated"] = first.Timestamp,
        ["transition_history"] = new JsonArray(),
        ["task_cohorts"] = new JsonArray(),
        ["contract_version"] = ReputationMath.ContractVersion,
    };

    /// <summary>A whole number stays an integer on the wire (sample counts); everything else a double.</summary>
    public static JsonNode NumberNode(double value) =>
        Math.Floor(value) == value && Math.Abs(value) < 1e15 ? JsonValue.Create((long)value) : JsonValue.Create(value);

    private static void FillNumber(JsonObject aggregate, string name, double fallback)
    {
        if (Number(aggregate[name]) is null) aggregate[name] = NumberNode(fallback);
    }
}
