using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Dixie.Bff.Features.Governance.Audit;

/// <summary>The hashed fields of an entry (spec 08 §2.2); absent actor and payload are left out of the hash.</summary>
public sealed record AuditContent(string EntryId, string Timestamp, string EventType, string? ActorId, JsonNode? Payload, bool HasPayload)
{
    public AuditContent(string entryId, string timestamp, string eventType, string? actorId = null, JsonNode? payload = null)
        : this(entryId, timestamp, eventType, actorId, payload, payload is not null) { }
}

/// <summary>
/// The chain hashes of spec 08 §2.2 (v10, written and verified) and §2.3 (legacy v9, verified only),
/// as hounfour's `audit-trail-hash` / `chain-bound-hash` compute them, so chains written by the
/// TypeScript service verify here and the other way round.
/// </summary>
public static partial class AuditHash
{
    /// <summary>SHA-256 of empty input: the previous hash of a chain's first entry.</summary>
    public const string Genesis = "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    public static string DomainTag(string resourceType) => $"loa-dixie:audit:{resourceType}:v10";

    /// <summary>A tag whose last segment has a dot (e.g. `…:9.0.0`) selects the legacy v9 algorithm.</summary>
    public static bool IsLegacy(string domainTag) => domainTag[(domainTag.LastIndexOf(':') + 1)..].Contains('.', StringComparison.Ordinal);

    /// <summary>Hc = "sha256:" + hex(SHA-256(UTF-8(T + JCS(O)))).</summary>
    public static string ContentHash(AuditContent content, string domainTag)
    {
        var members = new List<KeyValuePair<string, JsonNode?>>
        {
            new("entry_id", JsonValue.Create(content.EntryId)),
            new("timestamp", JsonValue.Create(content.Timestamp)),
            new("event_type", JsonValue.Create(content.EventType)),
        };
        if (content.ActorId is not null) members.Add(new("actor_id", JsonValue.Create(content.ActorId)));
        if (content.HasPayload) members.Add(new("payload", content.Payload));
        return Sha256(domainTag + CanonicalJson.SerializeObject(members));
    }

    /// <summary>The entry hash under the algorithm the tag names.</summary>
    /// <exception cref="ArgumentException">A precondition of §2.2 does not hold.</exception>
    public static string EntryHash(AuditContent content, string previousHash, string domainTag)
    {
        if (!HashPattern().IsMatch(previousHash)) throw new ArgumentException("previous_hash must match ^sha256:[a-f0-9]{64}$");
        if (IsLegacy(domainTag))
        {
            var contentHash = ContentHash(content, domainTag);
            return ContentHash(new AuditContent(contentHash, previousHash, "chain_binding"), domainTag);
        }
        var segments = domainTag.Split(':');
        if (segments.Length < 3 || !segments.All(segment => TagSegmentPattern().IsMatch(segment)))
            throw new ArgumentException("hash_domain_tag must have at least 3 segments of [a-z0-9][a-z0-9_-]*");
        return Sha256(ContentHash(content, domainTag) + ":" + previousHash);
    }

    public static bool IsHash(string value) => HashPattern().IsMatch(value);

    private static string Sha256(string text) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    [GeneratedRegex(@"^sha256:[a-f0-9]{64}\z")]
    private static partial Regex HashPattern();

    [GeneratedRegex(@"^[a-z0-9][a-z0-9_-]*\z")]
    private static partial Regex TagSegmentPattern();
}
