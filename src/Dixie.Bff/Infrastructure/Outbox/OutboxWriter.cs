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
        ArgumentNullException.ThrowIfNull(data);
        if (!SignalSubjects.IsValid(subject))
            throw new ArgumentException($"'{subject}' is not a signal subject under {SignalSubjects.Prefix}", nameof(subject));
        ArgumentException.ThrowIfNullOrWhiteSpace(type);
        if (transaction.Connection != connection)
            throw new ArgumentException("The transaction belongs to another connection", nameof(transaction));

        var id = Guid.CreateVersion7();
        var envelope = new SignalEnvelope(id, type, subject, IsoTime.Format(occurredAt ?? clock.GetUtcNow()), data);
        await using var command = new NpgsqlCommand(InsertSql, connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<Guid>("id", id));
        command.Parameters.Add(new NpgsqlParameter<string>("subject", subject));
        command.Parameters.Add(new NpgsqlParameter<string>("payload", NpgsqlDbType.Jsonb) { TypedValue = SignalJson.Serialize(envelope) });
        command.Parameters.Add(new NpgsqlParameter("dedup_key", NpgsqlDbType.Text) { Value = (object?)dedupKey ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("traceparent", NpgsqlDbType.Text) { Value = (object?)CurrentTraceparent() ?? DBNull.Value });
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1 ? id : null;
    }

    // The publish span is later parented to this context, so it joins the writing request's trace.
    private static string? CurrentTraceparent() =>
        Activity.Current is { IdFormat: ActivityIdFormat.W3C, Id: { } id } ? id : null;
}
