using System.Text;
using System.Text.Json.Nodes;
using Npgsql;
using NpgsqlTypes;

namespace Dixie.Bff.Features.Governance.Audit;

/// <summary>
/// Appends entries to a resource type's hash chain inside the caller's open transaction (spec 08
/// §2.5): the entry commits with the state change it records, or neither does. Call it last before
/// COMMIT, so the per-chain lock is held briefly.
/// </summary>
public sealed class AuditTrail(TimeProvider clock, AuditAppendHook? hook = null)
{
    /// <summary>Retries after a lost race on `idx_audit_chain_unique`; then 503 `audit_unavailable`.</summary>
    public const int MaxRetries = 3;

    /// <summary>Class half of the two-key advisory lock: FNV-1a 32 of "dixie-bff:audit", apart from the migration lock's one-key space.</summary>
    public static readonly int LockClass = Fnv1a32("dixie-bff:audit");

    private const string Savepoint = "audit_append";
    private const string ChainIndex = "idx_audit_chain_unique";

    private const string LockSql = "SELECT pg_advisory_xact_lock(@class, @chain)";

    // entry_id breaks created_at ties that the TypeScript service's now() could leave behind.
    private const string TipSql = """
        SELECT entry_hash, created_at FROM audit_entries
        WHERE resource_type = @resource_type
        ORDER BY created_at DESC, entry_id DESC
        LIMIT 1
        FOR UPDATE
        """;

    // clock_timestamp(), not now(): several entries in one transaction must not tie on created_at.
    private const string InsertSql = """
        INSERT INTO audit_entries (entry_id, resource_type, "timestamp", event_type, actor_id, payload,
                                   entry_hash, previous_hash, hash_domain_tag, created_at)
        VALUES (@entry_id, @resource_type, @timestamp, @event_type, @actor_id, @payload,
                @entry_hash, @previous_hash, @hash_domain_tag, greatest(clock_timestamp(), @floor + interval '1 microsecond'))
        RETURNING created_at
        """;

    // The same insert for the entries after the first of one append, sent together: the floor is the
    // created_at its predecessor (inserted by the statement before, in this transaction) was given.
    private const string InsertAfterSql = """
        INSERT INTO audit_entries (entry_id, resource_type, "timestamp", event_type, actor_id, payload,
                                   entry_hash, previous_hash, hash_domain_tag, created_at)
        VALUES (@entry_id, @resource_type, @timestamp, @event_type, @actor_id, @payload,
                @entry_hash, @previous_hash, @hash_domain_tag,
                greatest(clock_timestamp(), (SELECT created_at FROM audit_entries WHERE entry_id = @previous_entry_id) + interval '1 microsecond'))
        RETURNING created_at
        """;

    public async Task<AuditEntry> AppendAsync(NpgsqlConnection connection, NpgsqlTransaction transaction,
        string resourceType, string eventType, string? actorId, JsonObject? payload, CancellationToken ct) =>
        (await AppendAsync(connection, transaction, resourceType, [new AuditRecord(eventType, actorId, payload)], ct))[0];

    /// <summary>Several entries of one chain: one lock, one tip read, chained in order.</summary>
    /// <exception cref="AuditUnavailableException">The chain stayed contended through every retry.</exception>
    public async Task<IReadOnlyList<AuditEntry>> AppendAsync(NpgsqlConnection connection, NpgsqlTransaction transaction,
        string resourceType, IReadOnlyList<AuditRecord> records, CancellationToken ct)
    {
        if (records.Count == 0) return [];
        var now = clock.GetUtcNow();
        foreach (var record in records) AuditRules.EnsureValid(resourceType, record);
        var instants = records.Select(r => r.Timestamp is null ? AuditTimestamp.Truncate(now) : AuditTimestamp.Parse(r.Timestamp, now)).ToList();

        for (var attempt = 0; ; attempt++)
        {
            await transaction.SaveAsync(Savepoint, ct);
            try
            {
                var entries = await AppendOnceAsync(connection, transaction, resourceType, records, instants, ct);
                await transaction.ReleaseAsync(Savepoint, ct);
                return entries;
            }
            catch (PostgresException e) when (e is { SqlState: PostgresErrorCodes.UniqueViolation, ConstraintName: ChainIndex })
            {
                // A writer that skips the lock took our predecessor: forget this attempt and read the new tip.
                await transaction.RollbackAsync(Savepoint, ct);
                if (attempt == MaxRetries) throw new AuditUnavailableException(resourceType);
            }
        }
    }

    private async Task<List<AuditEntry>> AppendOnceAsync(NpgsqlConnection connection, NpgsqlTransaction transaction,
        string resourceType, IReadOnlyList<AuditRecord> records, List<DateTimeOffset> instants, CancellationToken ct)
    {
        await using (var lockCommand = new NpgsqlCommand(LockSql, connection, transaction))
        {
            lockCommand.Parameters.AddWithValue("class", LockClass);
            lockCommand.Parameters.AddWithValue("chain", Fnv1a32(resourceType));
            await lockCommand.ExecuteNonQueryAsync(ct);
        }

        var (previousHash, floor) = await ReadTipAsync(connection, transaction, resourceType, ct);
        if (hook is not null) await hook.BeforeInsertAsync(resourceType, previousHash, ct);

        var tag = AuditHash.DomainTag(resourceType);
        var contents = new List<(AuditContent Content, string EntryHash, string PreviousHash)>(records.Count);
        await using var batch = new NpgsqlBatch(connection, transaction);
        for (var i = 0; i < records.Count; i++)
        {
            var record = records[i];
            var content = new AuditContent(Guid.CreateVersion7().ToString(), AuditTimestamp.Format(instants[i]), record.EventType, record.ActorId, record.Payload);
            var entryHash = AuditHash.EntryHash(content, previousHash, tag);
            var command = new NpgsqlBatchCommand(i == 0 ? InsertSql : InsertAfterSql);
            Fill(command.Parameters, resourceType, content, instants[i], entryHash, previousHash, tag);
            if (i == 0) command.Parameters.AddWithValue("floor", NpgsqlDbType.TimestampTz, floor is { } f ? f : DBNull.Value);
            else command.Parameters.AddWithValue("previous_entry_id", Guid.Parse(contents[i - 1].Content.EntryId));
            batch.BatchCommands.Add(command);
            contents.Add((content, entryHash, previousHash));
            previousHash = entryHash;
        }

        // One round trip for the whole append; each statement returns its created_at in order.
        var entries = new List<AuditEntry>(records.Count);
        await using var reader = await batch.ExecuteReaderAsync(ct);
        foreach (var (content, entryHash, previous) in contents)
        {
            if (!await reader.ReadAsync(ct)) throw new InvalidOperationException("An audit insert returned no created_at");
            var createdAt = reader.GetDateTime(0);
            entries.Add(new AuditEntry(Guid.Parse(content.EntryId), resourceType, content.Timestamp, content.EventType,
                content.ActorId, content.Payload, content.HasPayload, entryHash, previous, tag, createdAt));
            await reader.NextResultAsync(ct);
        }
        return entries;
    }

    private static async Task<(string PreviousHash, DateTime? Floor)> ReadTipAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string resourceType, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(TipSql, connection, transaction);
        command.Parameters.AddWithValue("resource_type", resourceType);
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? (reader.GetString(0), reader.GetDateTime(1)) : (AuditHash.Genesis, null);
    }

    private static void Fill(NpgsqlParameterCollection parameters, string resourceType, AuditContent content, DateTimeOffset instant,
        string entryHash, string previousHash, string tag)
    {
        parameters.AddWithValue("entry_id", Guid.Parse(content.EntryId));
        parameters.AddWithValue("resource_type", resourceType);
        parameters.AddWithValue("timestamp", NpgsqlDbType.TimestampTz, instant.UtcDateTime);
        parameters.AddWithValue("event_type", content.EventType);
        parameters.AddWithValue("actor_id", NpgsqlDbType.Text, (object?)content.ActorId ?? DBNull.Value);
        // The canonical text is stored; JSONB re-orders members, which JCS undoes on verification.
        parameters.AddWithValue("payload", NpgsqlDbType.Jsonb, content.HasPayload ? CanonicalJson.Serialize(content.Payload) : DBNull.Value);
        parameters.AddWithValue("entry_hash", entryHash);
        parameters.AddWithValue("previous_hash", previousHash);
        parameters.AddWithValue("hash_domain_tag", tag);
    }

    /// <summary>FNV-1a 32-bit over UTF-8, read as a signed int4 for the two-key advisory lock.</summary>
    public static int Fnv1a32(string text)
    {
        var hash = 0x811C9DC5u;
        foreach (var b in Encoding.UTF8.GetBytes(text))
        {
            hash ^= b;
            hash = unchecked(hash * 0x01000193u);
        }
        return unchecked((int)hash);
    }
}
