using System.Text.Json.Nodes;

namespace Dixie.Bff.Features.Reputation;

/// <summary>The four event variants of spec 06 §3.3, by their wire names.</summary>
public static class ReputationEventTypes
{
    public const string QualitySignal = "quality_signal";
    public const string TaskCompleted = "task_completed";
    public const string CredentialUpdate = "credential_update";
    public const string ModelPerformance = "model_performance";

    public static bool ChangesScore(string type) => type is QualitySignal or ModelPerformance;
}

/// <summary>
/// A validated event: the fields the fold reads, plus <see cref="Data"/>, the JSON as received (stored
/// in `reputation_events.data`). <see cref="Timestamp"/> is already normalised to ms UTC.
/// </summary>
public sealed record ReputationEvent
{
    public required string Type { get; init; }
    public required Guid EventId { get; init; }
    public required string AgentId { get; init; }
    public required string CollectionId { get; init; }
    public required string Timestamp { get; init; }
    /// <summary>The observation of a score-changing event.</summary>
    public double? Score { get; init; }
    public string? TaskType { get; init; }
    /// <summary>Dimension observations in ordinal key order (the fold's iteration order).</summary>
    public IReadOnlyList<KeyValuePair<string, double>>? Dimensions { get; init; }
    public string? ModelId { get; init; }
    public string? PoolId { get; init; }
    public required JsonObject Data { get; init; }

    public bool ChangesScore => ReputationEventTypes.ChangesScore(Type);
}
