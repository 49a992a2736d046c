using Dixie.Bff.Features.Governance.Audit;
using Npgsql;

namespace Dixie.Bff.Features.Admin;

/// <summary>A page of entries, newest first by (created_at, entry_id), and whether older ones exist.</summary>
public sealed record AuditListingPage(IReadOnlyList<AuditEntry> Entries, bool HasMore);

/// <summary>The reads behind `GET /api/admin/audit` (spec 08 §2.8).</summary>
public static class AuditListing
{
    private const string CursorSql = """
        SELECT created_at FROM audit_entries
        WHERE entry_id = @entry_id AND (@resource_type::text IS NULL OR resource_type = @resource_type)
        """;

    private const string PageSql = $"""
        SELECT {AuditEntryReader.Columns} FROM audit_entries
        WHERE (@resource_type::text IS NULL OR resource_type = @resource_type)
          AND (@before_created_at::timestamptz IS NULL OR (created_at, entry_id) < (@before_created_at, @before_entry_id))
        ORDER BY created_at DESC, entry_id DESC
        LIMIT @limit
        """;

    /// <summary>The cursor entry's created_at; null when no such entry exists (in that chain).</summary>
    public static async Task<DateTime?> FindCursorAsync(NpgsqlDataSource dataSource, Guid entryId, string? resourceType, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(CursorSql);
        command.Parameters.AddWithValue("entry_id", entryId);
        command.Parameters.AddWithValue("resource_type", NpgsqlTypes.NpgsqlDbType.Text, (object?)resourceType ?? DBNull.Value);
        return await command.ExecuteScalarAsync(ct) is DateTime createdAt ? createdAt : null;
    }

    public static async Task<AuditListingPage> ReadAsync(NpgsqlDataSource dataSource, string? resourceType, int limit, (Guid EntryId, DateTime CreatedAt)? before, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(PageSql);
        command.Parameters.AddWithValue("resource_type", NpgsqlTypes.NpgsqlDbType.Text, (object?)resourceType ?? DBNull.Value);
        command.Parameters.AddWithValue("before_created_at", NpgsqlTypes.NpgsqlDbType.TimestampTz, before is { } b ? b.CreatedAt : DBNull.Value);
        command.Parameters.AddWithValue("before_entry_id", NpgsqlTypes.NpgsqlDbType.Uuid, before is { } c ? c.EntryId : DBNull.Value);
        // One extra row tells whether an older entry exists without a second query.
        command.Parameters.AddWithValue("limit", limit + 1);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var entries = new List<AuditEntry>(limit + 1);
        while (await reader.ReadAsync(ct)) entries.Add(AuditEntryReader.Read(reader));
        var hasMore = entries.Count > limit;
        if (hasMore) entries.RemoveAt(limit);
        return new AuditListingPage(entries, hasMore);
    }
}
