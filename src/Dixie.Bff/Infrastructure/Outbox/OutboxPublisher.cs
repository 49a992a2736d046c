using System.Diagnostics;
using Dixie.Bff.Infrastructure.Logging;
using Dixie.Bff.Infrastructure.Nats;
using Dixie.Bff.Infrastructure.Telemetry;
using NATS.Client.Core;
using NATS.Client.JetStream;
using Npgsql;

namespace Dixie.Bff.Infrastructure.Outbox;

/// <summary>
/// One cycle of spec 10 §3.3: claim the oldest due rows with `FOR UPDATE SKIP LOCKED`, publish them in
/// claim order while the claiming transaction stays open, then mark them and commit. Holding the row
/// locks until the mark means two instances never publish the same row; a crash between ack and mark
/// releases the locks, and the next publish of that row is dropped by JetStream's duplicate window.
/// </summary>
internal sealed class OutboxPublisher(NpgsqlDataSource dataSource, NatsStatus nats, OutboxOptions options, ILogger<OutboxPublisher> logger)
{
    private const string ClaimSql = """
        SELECT id, subject, payload::text, traceparent, attempts
        FROM event_outbox
        WHERE published_at IS NULL AND available_at <= now()
        ORDER BY available_at, created_at
        LIMIT @limit
        FOR UPDATE SKIP LOCKED
        """;

    // clock_timestamp(), not now(): the transaction began at the claim, and a batch may take seconds.
    private const string MarkPublishedSql = """
        UPDATE event_outbox
        SET published_at = clock_timestamp(), attempts = attempts + 1, last_error = NULL
        WHERE id = ANY(@ids)
        """;

    private const string MarkFailedSql = """
        UPDATE event_outbox
        SET attempts = attempts + 1, last_error = @last_error, available_at = clock_timestamp() + @delay
        WHERE id = @id
        """;

    private const int LastErrorMaxLength = 1000;
    private long duplicateAcks;
    private bool cycleFailing;

    /// <summary>Acks that JetStream flagged as duplicates (the row had been published before its mark was lost).</summary>
    public long DuplicateAcks => Interlocked.Read(ref duplicateAcks);

    public async Task<OutboxCycle> RunCycleAsync(CancellationToken stopping)
    {
        // An outage costs rows no retries: nothing is claimed and no attempt is counted.
        if (nats.State != NatsState.Ready || stopping.IsCancellationRequested)
            return OutboxCycle.Skipped;

        var claimed = 0;
        try
        {
            // Marking must not be cut short by shutdown: the database calls use their command timeout.
            await using var connection = await dataSource.OpenConnectionAsync(CancellationToken.None);
            await using var transaction = await connection.BeginTransactionAsync(CancellationToken.None);
            var rows = await ClaimAsync(connection, transaction);
            claimed = rows.Count;
            var batch = await PublishAsync(rows, stopping);
            await MarkAsync(connection, transaction, batch);
            await transaction.CommitAsync(CancellationToken.None);
            cycleFailing = false;

            foreach (var row in batch.Published) OutboxMetrics.CountPublished(row.Subject);
            if (batch.Failures is [var first, ..])
            {
                OutboxLog.PublishFailed(logger, batch.Failures.Count, first.Row.Id, first.Row.Subject, first.ErrorClass,
                    first.Message, OutboxBackoff.After(first.Row.Attempts + 1).TotalSeconds);
            }

            var full = claimed == options.BatchSize && !batch.Interrupted;
            return new OutboxCycle(claimed, batch.Published.Count, batch.Failures.Count, full);
        }
        catch (Exception e)
        {
            // Published but unmarked rows are published again later and dropped as duplicates by JetStream.
            if (!cycleFailing) OutboxFailureLog.CycleFailed(logger, claimed, e.GetType().Name, e);
            cycleFailing = true;
            return new OutboxCycle(claimed, 0, 0, Full: false);
        }
    }

    private async Task<List<OutboxRow>> ClaimAsync(NpgsqlConnection connection, NpgsqlTransaction transaction)
    {
        await using var command = new NpgsqlCommand(ClaimSql, connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<int>("limit", options.BatchSize));
        await using var reader = await command.ExecuteReaderAsync(CancellationToken.None);
        var rows = new List<OutboxRow>();
        while (await reader.ReadAsync(CancellationToken.None))
        {
            rows.Add(new OutboxRow(reader.GetGuid(0), reader.GetString(1), reader.GetString(2),
                await reader.IsDBNullAsync(3) ? null : reader.GetString(3), reader.GetInt32(4)));
        }
        return rows;
    }

    private async Task<PublishedBatch> PublishAsync(List<OutboxRow> rows, CancellationToken stopping)
    {
        var batch = new PublishedBatch();
        foreach (var row in rows)
        {
            // Shutdown stops before the next row; rows not attempted are released unchanged.
            if (stopping.IsCancellationRequested || nats.State != NatsState.Ready)
            {
                batch.Interrupted = true;
                break;
            }

            var failure = await PublishOneAsync(row);
            if (failure is null)
            {
                batch.Published.Add(row);
                continue;
            }

            OutboxMetrics.CountFailure(failure.Reason);
            batch.Failures.Add(failure);
            if (failure.NatsUnavailable)
            {
                // NATS itself is gone: back off this row only and leave the rest untouched.
                batch.Interrupted = true;
                break;
            }
        }
        return batch;
    }

    private async Task<PublishFailure?> PublishOneAsync(OutboxRow row)
    {
        using var activity = StartPublishActivity(row.Traceparent);
        var headers = new NatsHeaders();
        // NATS.Net replaces this with its own publish span's context when tracing listens, which is a child of the same trace.
        if (row.Traceparent is { } traceparent) headers["traceparent"] = traceparent;
        using var timeout = new CancellationTokenSource(options.PublishTimeout);
        try
        {
            var ack = await nats.JetStream.PublishAsync(row.Subject, row.Payload,
                opts: new NatsJSPubOpts { MsgId = row.Id.ToString() }, headers: headers, cancellationToken: timeout.Token);
            if (ack.Error is { } error)
                return Failed(row, "rejected", natsUnavailable: false, "PubAckError", $"{error.Code}/{error.ErrCode}: {error.Description}", activity);
            if (ack.Duplicate) Interlocked.Increment(ref duplicateAcks);
            return null;
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            return Failed(row, "timeout", natsUnavailable: true, "TimeoutException",
                $"no JetStream ack within {options.PublishTimeout.TotalSeconds:0.#} s", activity);
        }
        catch (Exception e)
        {
            var (reason, natsUnavailable) = Classify(e);
            return Failed(row, reason, natsUnavailable, e.GetType().Name, e.Message, activity);
        }
    }

    private static (string Reason, bool NatsUnavailable) Classify(Exception e) => e switch
    {
        NatsNoReplyException or NatsTimeoutException or NatsJSTimeoutException or TimeoutException => ("timeout", true),
        // No responders: JetStream or the stream is not there, so no row can be published now.
        NatsJSPublishNoResponseException or NatsNoRespondersException => ("nats_unavailable", true),
        NatsPayloadTooLargeException or NatsJSApiException => ("rejected", false),
        NatsConnectionFailedException or NatsJSConnectionException => ("nats_unavailable", true),
        NatsException => ("nats_unavailable", true),
        _ => ("other", false),
    };

    private static PublishFailure Failed(OutboxRow row, string reason, bool natsUnavailable, string errorClass, string message, Activity? activity)
    {
        var redacted = Redaction.Redact(message);
        activity?.SetStatus(ActivityStatusCode.Error, redacted);
        return new PublishFailure(row, reason, natsUnavailable, errorClass, redacted);
    }

    // The stored context becomes the parent, so the NATS publish span joins the originating request's trace.
    private static Activity? StartPublishActivity(string? traceparent) =>
        traceparent is not null && ActivityContext.TryParse(traceparent, null, isRemote: true, out var parent)
            ? DixieTelemetry.Source.StartActivity("dixie.outbox.publish", ActivityKind.Internal, parent)
            : null;

    private static async Task MarkAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, PublishedBatch batch)
    {
        if (batch.Published.Count > 0)
        {
            await using var command = new NpgsqlCommand(MarkPublishedSql, connection, transaction);
            command.Parameters.Add(new NpgsqlParameter<Guid[]>("ids", [.. batch.Published.Select(row => row.Id)]));
            await command.ExecuteNonQueryAsync(CancellationToken.None);
        }

        foreach (var failure in batch.Failures)
        {
            await using var command = new NpgsqlCommand(MarkFailedSql, connection, transaction);
            command.Parameters.Add(new NpgsqlParameter<Guid>("id", failure.Row.Id));
            command.Parameters.Add(new NpgsqlParameter<string>("last_error", LastError(failure)));
            command.Parameters.Add(new NpgsqlParameter<TimeSpan>("delay", OutboxBackoff.After(failure.Row.Attempts + 1)));
            await command.ExecuteNonQueryAsync(CancellationToken.None);
        }
    }

    private static string LastError(PublishFailure failure)
    {
        var text = $"{failure.ErrorClass}: {failure.Message}";
        return text.Length <= LastErrorMaxLength ? text : text[..LastErrorMaxLength];
    }

    private sealed record OutboxRow(Guid Id, string Subject, string Payload, string? Traceparent, int Attempts);

    private sealed record PublishFailure(OutboxRow Row, string Reason, bool NatsUnavailable, string ErrorClass, string Message);

    private sealed class PublishedBatch
    {
        public List<OutboxRow> Published { get; } = [];
        public List<PublishFailure> Failures { get; } = [];
        public bool Interrupted { get; set; }
    }
}

/// <summary>What one cycle did; <see cref="Full"/> asks for another claim at once.</summary>
internal sealed record OutboxCycle(int Claimed, int Published, int Failed, bool Full)
{
    public static OutboxCycle Skipped { get; } = new(0, 0, 0, false);
}
