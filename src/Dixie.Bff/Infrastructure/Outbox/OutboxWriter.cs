using System.Diagnostics;
using Npgsql;
using NpgsqlTypes;

namespace Dixie.Bff.Infrastructure.Outbox;

/// <summary>
/// The one way a signal is written (spec 10 §3.1): always inside the transaction that makes the state
/// change, so the signal exists exactly when the change does. Nothing is published from a request; the
/// insert trigger notifies the outbox worker at commit, and a rollback drops both row and notification.
/// </summary>
public sealed class OutboxWriter(TimeProvider clock)
{
    private const string InsertSql = """
        INSERT INTO event_outbox (id, subject, payload, dedup_key, traceparent)
        VALUES (@id, @subject, @payload, @dedup_key, @traceparent)
        ON CONFLICT (dedup_key) DO NOTHING
        """;

    /// <summary>
    /// Appends <paramref name="data"/> under its own subject and type. Returns the signal id, or null when
    /// a row with the same <paramref name="dedupKey"/> already exists (then nothing is written).
    /// </summary>
    public Task<Guid?> AddAsync<TData>(NpgsqlConnection connection, NpgsqlTransaction transaction, TData data,
        string? dedupKey, CancellationToken cancellationToken) where TData : class, ISignalData =>
        AddAsync(connection, transaction, data.Subject, data.Type, data, dedupKey, occurredAt: null, cancellationToken);

    /// <summary>
    /// The general form. <paramref name="occurredAt"/> defaults to the service clock; a caller whose payload
    /// repeats the moment (reputation's `timestamp`) passes the instant it used.
    /// </summary>
    public async Task<Guid?> AddAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string subject,
        string type, object data, string? dedupKey, DateTimeOffset? occurredAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        EnsureSameConnection(connection, transaction);
        await using var command = new NpgsqlCommand(InsertSql, connection, transaction);
        var id = Fill(command.Parameters, new OutboxSignal(subject, type, data, dedupKey), occurredAt);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1 ? id : null;
    }

    /// <summary>
    /// Several signals in one round trip, written in order exactly as <see cref="AddAsync(NpgsqlConnection, NpgsqlTransaction, string, string, object, string?, DateTimeOffset?, CancellationToken)"/>
    /// would write them one by one (a large batch would otherwise pay one round trip per row).
    /// </summary>
    public async Task AddManyAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<OutboxSignal> signals,
        DateTimeOffset? occurredAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        EnsureSameConnection(connection, transaction);
        if (signals.Count == 0) return;
        await using var batch = new NpgsqlBatch(connection, transaction);
        foreach (var signal in signals) Append(batch, signal, occurredAt);
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// Appends the insert of <paramref name="data"/> to <paramref name="batch"/>, which the caller runs
    /// together with its state change and no explicit transaction: PostgreSQL runs a batch that ends in one
    /// Sync as one implicit transaction, so the signal still exists exactly when the change does, and the
    /// whole write costs one round trip instead of BEGIN, statements and COMMIT.
    /// </summary>
    public void AddTo<TData>(NpgsqlBatch batch, TData data, string? dedupKey) where TData : class, ISignalData
    {
        ArgumentNullException.ThrowIfNull(batch);
        Append(batch, new OutboxSignal(data.Subject, data.Type, data, dedupKey), occurredAt: null);
    }

    private void Append(NpgsqlBatch batch, OutboxSignal signal, DateTimeOffset? occurredAt)
    {
        var command = new NpgsqlBatchCommand(InsertSql);
        Fill(command.Parameters, signal, occurredAt);
        batch.BatchCommands.Add(command);
    }

    private Guid Fill(NpgsqlParameterCollection parameters, OutboxSignal signal, DateTimeOffset? occurredAt)
    {
        ArgumentNullException.ThrowIfNull(signal.Data);
        if (!SignalSubjects.IsValid(signal.Subject))
            throw new ArgumentException($"'{signal.Subject}' is not a signal subject under {SignalSubjects.Prefix}", nameof(signal));
        ArgumentException.ThrowIfNullOrWhiteSpace(signal.Type);
        var id = Guid.CreateVersion7();
        var envelope = new SignalEnvelope(id, signal.Type, signal.Subject, IsoTime.Format(occurredAt ?? clock.GetUtcNow()), signal.Data);
        parameters.Add(new NpgsqlParameter<Guid>("id", id));
        parameters.Add(new NpgsqlParameter<string>("subject", signal.Subject));
        parameters.Add(new NpgsqlParameter<string>("payload", NpgsqlDbType.Jsonb) { TypedValue = SignalJson.Serialize(envelope) });
        parameters.Add(new NpgsqlParameter("dedup_key", NpgsqlDbType.Text) { Value = (object?)signal.DedupKey ?? DBNull.Value });
        parameters.Add(new NpgsqlParameter("traceparent", NpgsqlDbType.Text) { Value = (object?)CurrentTraceparent() ?? DBNull.Value });
        return id;
    }

    private static void EnsureSameConnection(NpgsqlConnection connection, NpgsqlTransaction transaction)
    {
        if (transaction.Connection != connection)
            throw new ArgumentException("The transaction belongs to another connection", nameof(transaction));
    }

    // The publish span is later parented to this context, so it joins the writing request's trace.
    private static string? CurrentTraceparent() =>
        Activity.Current is { IdFormat: ActivityIdFormat.W3C, Id: { } id } ? id : null;
}

/// <summary>One signal of <see cref="OutboxWriter.AddManyAsync"/>.</summary>
public sealed record OutboxSignal(string Subject, string Type, object Data, string? DedupKey);
