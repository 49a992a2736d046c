using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Dixie.Bff.Infrastructure.Http;

namespace Dixie.Bff.Features.Reputation;

/// <summary>`/query`: exactly one key, the score or null (spec 06 §8.1).</summary>
public sealed record ScoreResponse(double? Score);

public sealed record PopulationResponse(double Mean, double Variance, long PopulationSize, long StoreCount);

public sealed record ReliabilityBlock(bool Reliable, IReadOnlyList<string> Reasons);

/// <summary>`GET /api/reputation/{nftId}`; `dimensions` is the aggregate's `task_cohorts` (the contract's name).</summary>
public sealed record AgentReputationResponse(double? BlendedScore, double? PersonalScore, long SampleCount, string State,
    ReliabilityBlock Reliability, JsonArray Dimensions, string SnapshotAt);

public sealed record CohortsResponse(JsonArray Cohorts, double? CrossModelScore);

public sealed record RejectedEvent(int Index, string Error);

public sealed record AggregateSummary(string NftId, string State, double BlendedScore, long SampleCount);

/// <summary>The ingest report of spec 06 §7.2.</summary>
public sealed record IngestResponse(int Accepted, int Duplicates, IReadOnlyList<RejectedEvent> Rejected, IReadOnlyList<AggregateSummary> Aggregates);

/// <summary>400 when no item was valid: the error body plus the per-item reasons.</summary>
public sealed record InvalidEventsError(string Error, string Message,
    [property: JsonPropertyName("rejected"), JsonPropertyOrder(1)] IReadOnlyList<RejectedEvent> Rejected) : ApiError(Error, Message);

public sealed record RebuildRequest(string? NftId, bool? Apply);

/// <summary>One disagreement between the stored projections and the replay; the optional members are omitted when null.</summary>
public sealed record RebuildDifference(string? NftId, string Kind,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Field = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] JsonNode? Stored = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] JsonNode? Replayed = null);

public sealed record RebuildReport(long EventsReplayed, int AgentsChecked, IReadOnlyList<RebuildDifference> Differences, bool Applied);

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    ReadCommentHandling = System.Text.Json.JsonCommentHandling.Disallow,
    AllowTrailingCommas = false,
    MaxDepth = 32)]
[JsonSerializable(typeof(ScoreResponse))]
[JsonSerializable(typeof(PopulationResponse))]
[JsonSerializable(typeof(AgentReputationResponse))]
[JsonSerializable(typeof(CohortsResponse))]
[JsonSerializable(typeof(IngestResponse))]
[JsonSerializable(typeof(InvalidEventsError))]
[JsonSerializable(typeof(RebuildRequest))]
[JsonSerializable(typeof(RebuildReport))]
public sealed partial class ReputationJson : JsonSerializerContext
{
    /// <summary>For responses: like <see cref="Default"/>, but `>` in a trigger such as `sample_count>=1` stays readable.</summary>
    public static ReputationJson Wire { get; } = new(new System.Text.Json.JsonSerializerOptions
    {
        PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        ReadCommentHandling = System.Text.Json.JsonCommentHandling.Disallow,
        AllowTrailingCommas = false,
        MaxDepth = 32,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}
