using Dapper;
using Dixie.Bff.Infrastructure.Outbox;
using Npgsql;

namespace Dixie.Bff.Features.Chat;

/// <summary>One `chat_sessions` row as the API shows it.</summary>
public sealed record ChatSessionRow(string SessionId, DateTime CreatedAt, DateTime LastActivityAt, int MessageCount);

/// <summary>
/// The ownership store of spec 05 §1, shared by the JSON, SSE and WebSocket transports. A session
/// whose row is missing or belongs to someone else is "not found" alike, so no caller can learn
/// whether another's session exists.
/// </summary>
public sealed class ChatSessionStore(NpgsqlDataSource dataSource, OutboxWriter outbox, TimeProvider clock)
{
    private const string FindOwnedSql = """
        SELECT session_id AS SessionId, created_at AS CreatedAt, last_activity_at AS LastActivityAt, message_count AS MessageCount
        FROM chat_sessions WHERE session_id = @sessionId AND owner = @owner
        """;

    private const string CreateSql = """
        INSERT INTO chat_sessions (session_id, owner, owner_kind, created_at, last_activity_at, message_count)
        VALUES (@sessionId, @owner, @ownerKind, @now, @now, 0)
        ON CONFLICT (session_id) DO NOTHING
        """;


    private const string ListSql = """
        SELECT session_id AS SessionId, created_at AS CreatedAt, last_activity_at AS LastActivityAt, message_count AS MessageCount
        FROM chat_sessions WHERE owner = @owner
        ORDER BY last_activity_at DESC, session_id DESC
        LIMIT @limit
        """;

    private const string CountTurnSql = """
        UPDATE chat_sessions SET message_count = message_count + 1, last_activity_at = @now
        WHERE session_id = @sessionId
        """;

    /// <summary>The caller's session, or null when it is missing or someone else's.</summary>
    public async Task<ChatSessionRow?> FindOwnedAsync(string sessionId, ChatOwner owner, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<ChatSessionRow>(
            new CommandDefinition(FindOwnedSql, new { sessionId, owner = owner.Id }, cancellationToken: ct));
    }

    /// <summary>
    /// Records a session finn just created; false when finn reused an id that already has a row.
    /// The insert commits without waiting for its WAL flush (ADR-016).
    /// </summary>
    public async Task<bool> CreateAsync(string sessionId, ChatOwner owner, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var batch = UnflushedBatch(connection);
        var insert = new NpgsqlBatchCommand(CreateSql);
        insert.Parameters.Add(new NpgsqlParameter<string>("sessionId", sessionId));
        insert.Parameters.Add(new NpgsqlParameter<string>("owner", owner.Id));
        insert.Parameters.Add(new NpgsqlParameter<string>("ownerKind", owner.StoredKind));
        insert.Parameters.Add(new NpgsqlParameter<DateTime>("now", clock.GetUtcNow().UtcDateTime));
        batch.BatchCommands.Add(insert);
        await batch.ExecuteNonQueryAsync(ct);
        return insert.RecordsAffected == 1;
    }

    /// <summary>The caller's sessions, newest activity first.</summary>
    public async Task<IReadOnlyList<ChatSessionRow>> ListAsync(ChatOwner owner, int limit, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var rows = await connection.QueryAsync<ChatSessionRow>(new CommandDefinition(ListSql, new { owner = owner.Id, limit }, cancellationToken: ct));
        return [.. rows];
    }

    /// <summary>
    /// A completed, non-aborted turn (spec 05 §2.2 step 4, §10): the count, the activity time and the
    /// interaction signal commit together or not at all — one batch, one implicit transaction, one round
    /// trip. The commit is visible at once but does not wait for its WAL flush (ADR-016). Not
    /// cancellable: the turn has happened.
    /// </summary>
    public async Task RecordTurnAsync(ChatInteractionSignal signal)
    {
        await using var connection = await dataSource.OpenConnectionAsync(CancellationToken.None);
        await using var batch = UnflushedBatch(connection);
        var count = new NpgsqlBatchCommand(CountTurnSql);
        count.Parameters.Add(new NpgsqlParameter<string>("sessionId", signal.SessionId));
        count.Parameters.Add(new NpgsqlParameter<DateTime>("now", clock.GetUtcNow().UtcDateTime));
        batch.BatchCommands.Add(count);
        outbox.AddTo(batch, signal, SignalDedupKeys.Chat(signal.SessionId, signal.MessageId));
        await batch.ExecuteNonQueryAsync(CancellationToken.None);
    }

    /// <summary>
    /// A batch whose one implicit transaction commits without waiting for its WAL flush (ADR-016). The
    /// setting is transaction-local: the pooled session keeps the server's.
    /// </summary>
    private static NpgsqlBatch UnflushedBatch(NpgsqlConnection connection)
    {
        var batch = new NpgsqlBatch(connection);
        batch.BatchCommands.Add(new NpgsqlBatchCommand("SELECT set_config('synchronous_commit', 'off', true)"));
        return batch;
    }
}
