using Npgsql;

namespace Dixie.Bff.Features.Governance.Audit;

/// <summary>The last entry that passed verification: where an incremental run resumes.</summary>
public sealed record AuditCheckpoint(Guid EntryId, DateTime CreatedAt, string EntryHash, long EntriesChecked);

/// <summary>Outcome of verifying a chain (spec 08 §2.7).</summary>
public sealed record AuditVerification(bool Valid, long EntriesChecked, string? Detail, AuditCheckpoint? VerifiedThrough, Guid? BrokenEntryId = null);

/// <summary>
/// Recomputes a chain in `created_at` order, paged by key set, each entry with the algorithm its
/// stored tag names, so chains that begin with legacy v9 entries verify too.
/// </summary>
public sealed class AuditVerifier(NpgsqlDataSource dataSource)
{
    private const int PageSize = 1000;

    private const string FirstPageSql = $"""
        SELECT {AuditEntryReader.Columns} FROM audit_entries
        WHERE resource_type = @resource_type
        ORDER BY created_at, entry_id
        LIMIT @limit
        """;

    private const string NextPageSql = $"""
        SELECT {AuditEntryReader.Columns} FROM audit_entries
        WHERE resource_type = @resource_type AND (created_at, entry_id) > (@after_created_at, @after_entry_id)
        ORDER BY created_at, entry_id
        LIMIT @limit
        """;

    /// <summary>Verifies the whole chain, or only what follows <paramref name="from"/>.</summary>
    public async Task<AuditVerification> VerifyAsync(string resourceType, AuditCheckpoint? from, CancellationToken ct)
    {
        var expectedPrevious = from?.EntryHash ?? AuditHash.Genesis;
        var index = from?.EntriesChecked ?? 0;
        var through = from;
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        while (true)
        {
            var page = await ReadPageAsync(connection, resourceType, through, ct);
            foreach (var entry in page)
            {
                if (Recompute(entry, expectedPrevious) != entry.EntryHash)
                    return Broken(entry, index, $"Hash mismatch at entry {entry.EntryId} (index {index}) — content or chain linkage tampered", through);
                if (!string.Equals(entry.PreviousHash, expectedPrevious, StringComparison.Ordinal))
                    return Broken(entry, index, $"Chain linkage broken at entry {entry.EntryId} (index {index})", through);
                expectedPrevious = entry.EntryHash;
                index++;
                through = new AuditCheckpoint(entry.EntryId, entry.CreatedAt, entry.EntryHash, index);
            }
            if (page.Count < PageSize) return new AuditVerification(true, index, null, through);
        }
    }

    public Task<AuditVerification> VerifyAsync(string resourceType, CancellationToken ct) => VerifyAsync(resourceType, null, ct);

    /// <summary>A broken precondition (malformed tag or hash) is a mismatch, not an error.</summary>
    private static string? Recompute(AuditEntry entry, string expectedPrevious)
    {
        try
        {
            return AuditHash.EntryHash(entry.Content, expectedPrevious, entry.HashDomainTag);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    private static AuditVerification Broken(AuditEntry entry, long index, string detail, AuditCheckpoint? through) =>
        new(false, index + 1, detail, through, entry.EntryId);

    private static async Task<List<AuditEntry>> ReadPageAsync(NpgsqlConnection connection, string resourceType, AuditCheckpoint? after, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(after is null ? FirstPageSql : NextPageSql, connection);
        command.Parameters.AddWithValue("resource_type", resourceType);
        command.Parameters.AddWithValue("limit", PageSize);
        if (after is not null)
        {
            command.Parameters.AddWithValue("after_created_at", after.CreatedAt);
            command.Parameters.AddWithValue("after_entry_id", after.EntryId);
        }
        await using var reader = await command.ExecuteReaderAsync(ct);
        var page = new List<AuditEntry>(PageSize);
        while (await reader.ReadAsync(ct)) page.Add(AuditEntryReader.Read(reader));
        return page;
    }
}
