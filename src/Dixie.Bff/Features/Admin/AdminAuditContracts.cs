using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Dixie.Bff.Features.Governance.Audit;
using Dixie.Bff.Infrastructure;

namespace Dixie.Bff.Features.Admin;

/// <summary>One entry of `GET /api/admin/audit` (spec 08 §2.8); actor and payload omitted when absent.</summary>
public sealed record AuditEntryResponse(
    [property: JsonPropertyName("entry_id")] string EntryId,
    [property: JsonPropertyName("resource_type")] string ResourceType,
    [property: JsonPropertyName("timestamp")] string Timestamp,
    [property: JsonPropertyName("event_type")] string EventType,
    [property: JsonPropertyName("actor_id")] string? ActorId,
    [property: JsonPropertyName("payload")] JsonNode? Payload,
    [property: JsonPropertyName("entry_hash")] string EntryHash,
    [property: JsonPropertyName("previous_hash")] string PreviousHash,
    [property: JsonPropertyName("hash_domain_tag")] string HashDomainTag,
    [property: JsonPropertyName("created_at")] string CreatedAt)
{
    public static AuditEntryResponse From(AuditEntry entry) => new(
        entry.EntryId.ToString(), entry.ResourceType, entry.Timestamp, entry.EventType, entry.ActorId,
        entry.Payload,
        entry.EntryHash, entry.PreviousHash, entry.HashDomainTag,
        IsoTime.Format(new DateTimeOffset(DateTime.SpecifyKind(entry.CreatedAt, DateTimeKind.Utc))));
}

public sealed record AuditPageResponse(
    [property: JsonPropertyName("entries")] IReadOnlyList<AuditEntryResponse> Entries,
    // Written as null on the last page, never omitted.
    [property: JsonPropertyName("next"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Next);

public sealed record AuditVerifyResponse(
    [property: JsonPropertyName("valid")] bool Valid,
    [property: JsonPropertyName("entries_checked")] long EntriesChecked,
    [property: JsonPropertyName("detail")] string? Detail);
