using System.Text.Json.Nodes;

namespace Dixie.Bff.Features.Governance.Audit;

/// <summary>
/// One entry to append. <paramref name="Timestamp"/> is for callers that carry their own instant
/// (validated and normalised, spec 08 §2.4); otherwise the writer's clock is used.
/// </summary>
public sealed record AuditRecord(string EventType, string? ActorId, JsonObject? Payload, string? Timestamp = null);

/// <summary>An entry as stored in `audit_entries` (spec 08 §2.1).</summary>
public sealed record AuditEntry(
    Guid EntryId,
    string ResourceType,
    string Timestamp,
    string EventType,
    string? ActorId,
    JsonNode? Payload,
    bool HasPayload,
    string EntryHash,
    string PreviousHash,
    string HashDomainTag,
    DateTime CreatedAt)
{
    public AuditContent Content => new(EntryId.ToString(), Timestamp, EventType, ActorId, Payload, HasPayload);
}

/// <summary>
/// The chain stayed busy through every retry (spec 08 §2.5); the request answers 503
/// `audit_unavailable` and the caller's transaction, with its state change, is rolled back.
/// </summary>
public sealed class AuditUnavailableException(string resourceType)
    : Exception($"Audit chain '{resourceType}' busy after {AuditTrail.MaxRetries} retries")
{
    public const string Code = "audit_unavailable";
    public const string PublicMessage = "Audit chain busy, retry";

    public string ResourceType { get; } = resourceType;
}

/// <summary>
/// Test seam: runs between reading the tip and inserting, so a test can play the writer that does
/// not take the chain lock (spec 08 §5.9). Not registered in production.
/// </summary>
public sealed class AuditAppendHook(Func<string, string, CancellationToken, Task> beforeInsert)
{
    /// <summary>Arguments: resource type, the previous hash about to be used.</summary>
    public Task BeforeInsertAsync(string resourceType, string previousHash, CancellationToken ct) =>
        beforeInsert(resourceType, previousHash, ct);
}
