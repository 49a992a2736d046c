using Dixie.Bff.Infrastructure.Outbox;
using Dixie.Bff.Tests.Infrastructure;
using Npgsql;

namespace Dixie.Bff.Tests.Outbox;

public sealed class OutboxBackoffTests
{
    // Above NATS's default max_payload of 1 MiB, so the publish of this one row always fails.
    private const string InsertOversizedSql = """
        INSERT INTO event_outbox (id, subject, payload)
        VALUES (@id, 'dixie.signal.interaction', jsonb_build_object(
            'id', @id::text, 'type', 'chat.interaction', 'subject', 'dixie.signal.interaction',
            'occurred_at', '2026-01-01T00:00:00.000Z', 'data', jsonb_build_object('filler', repeat('x', 1100000))))
        """;

    [Fact]
    public async Task Failing_row_backs_off_by_the_table_never_blocks_others_and_is_never_dropped()
    {
        await using var nats = await NatsServer.StartAsync();
        await using var host = await OutboxTestHost.StartAsync(nats.Url);
        var worker = host.Get<OutboxWorker>();
        var stuck = Guid.CreateVersion7();

        var expected = new double[] { 1, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300 };
        var started = await ClockAsync(host);
        await host.ExecuteAsync(InsertOversizedSql, ("id", stuck));
        var behind = new[] { await host.WriteAsync(SampleSignals.Chat()), await host.WriteAsync(SampleSignals.Chat()) };
        for (var attempt = 1; attempt <= expected.Length; attempt++)
        {
            if (attempt > 1)
            {
                // Time "passes": the row is due again now.
                started = await ClockAsync(host);
                await host.ExecuteAsync("UPDATE event_outbox SET available_at = clock_timestamp() WHERE id = @id", ("id", stuck));
                worker.Wake();
            }
            await OutboxTestHost.WaitUntilAsync(async () => (await host.RowAsync(stuck)).Attempts >= attempt, TimeSpan.FromSeconds(10), $"attempt {attempt}");
            var ended = await ClockAsync(host);
            var row = await host.RowAsync(stuck);

            // The failure happened between `started` and `ended`; available_at is that moment plus the backoff.
            Assert.Equal(attempt, row.Attempts);
            Assert.InRange(expected[attempt - 1], (row.AvailableAt - ended).TotalSeconds, (row.AvailableAt - started).TotalSeconds);
            Assert.StartsWith("NatsPayloadTooLargeException: ", row.LastError);
            Assert.True(row.LastError!.Length <= 1000);
            Assert.Null(row.PublishedAt);
        }

        var rows = await host.RowsAsync();
        Assert.All(rows.Where(row => behind.Contains(row.Id)), row => Assert.NotNull(row.PublishedAt));
        var failed = host.Logs.Events("outbox_publish_failed")[0];
        Assert.Equal(stuck.ToString(), failed.String("outbox_id"));
        Assert.Equal("NatsPayloadTooLargeException", failed.String("error_class"));
        Assert.Equal(1, failed["next_attempt_in_s"].GetDouble());

        // Never dropped, not even by a cleanup that keeps nothing.
        await OutboxCleanup.DeletePublishedAsync(host.Get<NpgsqlDataSource>(), OutboxTestHost.Options() with { Retention = TimeSpan.Zero }, CancellationToken.None);
        Assert.Equal([stuck], (await host.RowsAsync()).Select(row => row.Id));
    }

    private static Task<DateTime> ClockAsync(Support.DixieHost host) => host.ScalarAsync<DateTime>("SELECT clock_timestamp()");
}
