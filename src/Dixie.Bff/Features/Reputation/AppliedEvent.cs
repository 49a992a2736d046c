using System.Text.Json.Nodes;
using Dixie.Bff.Infrastructure.Outbox;

namespace Dixie.Bff.Features.Reputation;

/// <summary>One accepted event and the aggregate right after it, for the audit entry, the signal and the span.</summary>
public sealed record AppliedEvent(ReputationEvent Event, JsonObject AggregateAfter, FoldEffects Effects, int AggregateVersion)
{
    public double? PersonalScore => AggregateJson.Number(AggregateAfter["personal_score"]);
    public double BlendedScore => AggregateJson.Number(AggregateAfter["blended_score"]) ?? 0;
    public long SampleCount => (long)(AggregateJson.Number(AggregateAfter["sample_count"]) ?? 0);
    public string State => AggregateJson.Text(AggregateAfter["state"]) ?? "cold";

    /// <summary>The spec 08 §2.6 payload: `reputation.score.updated` or `reputation.event.recorded`.</summary>
    public JsonObject AuditPayload()
    {
        var payload = new JsonObject
        {
            ["nft_id"] = Event.AgentId,
            ["event_id"] = Event.EventId.ToString("D"),
            ["event_type"] = Event.Type,
        };
        if (Event.ChangesScore)
        {
            payload["personal_score"] = PersonalScore;
            payload["blended_score"] = BlendedScore;
            payload["sample_count"] = SampleCount;
        }
        payload["state"] = State;
        if (Effects.Transitions.Count > 0) payload["transitions"] = new JsonArray([.. Effects.Transitions.Select(t => (JsonNode)t.ToJson())]);
        return payload;
    }

    public string AuditEventType => Event.ChangesScore ? "reputation.score.updated" : "reputation.event.recorded";

    public ReputationEventAppliedSignal Signal(string appliedAt) => new()
    {
        NftId = Event.AgentId,
        EventId = Event.EventId,
        EventType = Event.Type switch
        {
            ReputationEventTypes.QualitySignal => ReputationEventType.QualitySignal,
            ReputationEventTypes.ModelPerformance => ReputationEventType.ModelPerformance,
            ReputationEventTypes.TaskCompleted => ReputationEventType.TaskCompleted,
            _ => ReputationEventType.CredentialUpdate,
        },
        PersonalScore = PersonalScore,
        BlendedScore = BlendedScore,
        SampleCount = SampleCount,
        State = Enum.Parse<ReputationState>(State, ignoreCase: true),
        Timestamp = appliedAt,
        AggregateVersion = AggregateVersion,
    };
}
