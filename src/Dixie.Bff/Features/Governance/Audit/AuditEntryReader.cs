using System.Text.Json.Nodes;
using Npgsql;

namespace Dixie.Bff.Features.Governance.Audit;

/// <summary>Maps `audit_entries` rows; the column list every reader selects.</summary>
public static class AuditEntryReader
{
    public const string Columns = """
        entry_id, resource_type, "timestamp", event_type, actor_id, payload::text,
        entry_hash, previous_hash, hash_domain_tag, created_at
        """;

    public static AuditEntry Read(NpgsqlDataReader reader)
    {
        // SQL NULL is an absent payload; JSON null would be a present one (hashed differently).
        var hasPayload = !reader.IsDBNull(5);
        return new AuditEntry(
            reader.GetGuid(0),
            reader.GetString(1),
            AuditTimestamp.Format(reader.GetDateTime(2)),
            reader.GetString(3),
            reader.IsDBNull(4) ? null : reader.GetString(4),
            hasPayload ? JsonNode.Parse(reader.GetString(5)) : null,
            hasPayload,
            reader.GetString(6),
            reader.GetString(7),
            reader.GetString(8),
            reader.GetDateTime(9));
    }
}
