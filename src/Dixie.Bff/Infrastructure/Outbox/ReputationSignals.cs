using System.Text.Json.Serialization;

namespace Dixie.Bff.Infrastructure.Outbox;

public enum ReputationEventType
{
    QualitySignal,
    ModelPerformance,
    TaskCompleted,
    CredentialUpdate,
}

public enum ReputationState
{
    Cold,
    Warming,
    Established,
    Authoritative,
}

/// <summary>`reputation.event_applied`: the aggregate after a newly stored event (spec 10 §2.3, spec 06 §12).</summary>
public sealed record ReputationEventAppliedSignal : ISignalData
{
    public required string NftId { get; init; }
    public required Guid EventId { get; init; }
    public required ReputationEventType EventType { get; init; }
    public required double? PersonalScore { get; init; }
    public required double BlendedScore { get; init; }
    public required long SampleCount { get; init; }
    public required ReputationState State { get; init; }
    /// <summary>When the service applied the event; pass the same instant as the envelope's `occurred_at`.</summary>
    public required string Timestamp { get; init; }
    /// <summary>`reputation_aggregates.version` after the write; consumers order one agent's events by it.</summary>
    public required long AggregateVersion { get; init; }

    [JsonIgnore] public string Subject => SignalSubjects.Reputation;
    [JsonIgnore] public string Type => "reputation.event_applied";
}
