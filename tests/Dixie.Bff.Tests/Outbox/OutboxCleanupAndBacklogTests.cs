using Dixie.Bff.Infrastructure.Logging;
using Dixie.Bff.Infrastructure.Outbox;
using Dixie.Bff.Tests.Infrastructure;

namespace Dixie.Bff.Tests.Outbox;

public sealed class OutboxCleanupAndBacklogTests
{
    [Fact]
    public async Task Published_rows_are_cleaned_after_seven_days()
    {
        // Chunks of 2 so the five old rows take several chunks; the cleanup runs every 300 ms from the start.
        var options = OutboxTestHost.Options() with { CleanupFirstDelay = TimeSpan.Zero, CleanupInterval = TimeSpan.FromMilliseconds(300), CleanupChunk = 2 };
        await using var host = await OutboxTestHost.StartAsync(natsUrl: null, options: options);
        var ids = new List<Guid>();
        for (var i = 0; i < 9; i++) ids.Add((await host.WriteAsync(SampleSignals.Chat()))!.Value);

        // In one statement, so the cleanup sees all of it at once: five published 8 days ago, two 6 days
        // ago, and two never published although created a month ago.
        await host.ExecuteAsync("""
            UPDATE event_outbox SET
                created_at = now() - interval '30 days',
                published_at = CASE WHEN id = ANY(@old) THEN now() - interval '8 days'
                                    WHEN id = ANY(@recent) THEN now() - interval '6 days' END
            """, ("old", ids[..5].ToArray()), ("recent", ids[5..7].ToArray()));
        await OutboxTestHost.WaitUntilAsync(() => Task.FromResult(host.Logs.Events(LogEvents.OutboxCleanup).Any()), TimeSpan.FromSeconds(10), "outbox_cleanup");

        // As sets: the rows tie on created_at, and two UUIDv7 ids of one millisecond are in random order.
        Assert.Equal(ids[5..].Order(), (await host.RowsAsync()).Select(row => row.Id).Order());
        Assert.Equal(5, Assert.Single(host.Logs.Events(LogEvents.OutboxCleanup)).Long("deleted"));
    }

    [Fact]
    public async Task Without_nats_rows_wait_and_the_backlog_is_reported()
    {
        var database = await (await SharedServers.GetAsync()).Postgres.CreateDatabaseAsync();
        var options = OutboxTestHost.Options(pollMs: 100) with { MetricsRefreshInterval = TimeSpan.FromMilliseconds(100) };
        await using (var first = await OutboxTestHost.StartAsync(natsUrl: null, database, options))
        {
            for (var i = 0; i < 3; i++) await first.WriteAsync(SampleSignals.Chat());
            await Task.Delay(1200);

            var worker = first.Get<OutboxWorker>();
            Assert.Equal(3, worker.Snapshot.Pending);
            Assert.InRange(worker.Snapshot.LagSeconds, 0.9, 60);
            Assert.All(await first.RowsAsync(), row => Assert.Equal((0, (DateTime?)null), (row.Attempts, row.PublishedAt)));
            var metrics = await first.Client.GetStringAsync("/metrics");
            Assert.Contains("dixie_outbox_pending", metrics);
            Assert.Contains("dixie_outbox_lag_seconds", metrics);
        }

        await using var second = await OutboxTestHost.StartAsync(natsUrl: null, database, options);
        await OutboxTestHost.WaitUntilAsync(() => Task.FromResult(second.Logs.Events(LogEvents.OutboxBacklog).Any()), TimeSpan.FromSeconds(10), "outbox_backlog");
        var backlog = Assert.Single(second.Logs.Events(LogEvents.OutboxBacklog));
        Assert.Equal(3, backlog.Long("pending"));
        Assert.True(backlog["oldest_age_s"].GetDouble() > 1);
    }
}
