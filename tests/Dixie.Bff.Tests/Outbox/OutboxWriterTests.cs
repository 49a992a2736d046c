using System.Diagnostics;
using Dixie.Bff.Infrastructure.Outbox;
using Dixie.Bff.Tests.Infrastructure;
using Npgsql;

namespace Dixie.Bff.Tests.Outbox;

public sealed class OutboxWriterTests
{
    [Fact]
    public async Task Rolled_back_signal_never_appears_and_a_committed_one_arrives_with_its_id()
    {
        await using var nats = await NatsServer.StartAsync();
        await using var host = await OutboxTestHost.StartAsync(nats.Url);
        await using var tap = await SignalTap.StartAsync(nats.Url);

        var rolledBack = await host.WriteAsync(SampleSignals.Chat(), commit: false);
        Guid committed;
        using (var request = new Activity("writing-request").Start())
        {
            committed = (await host.WriteAsync(SampleSignals.Chat()))!.Value;
            Assert.Equal(request.Id, (await host.RowAsync(committed)).Traceparent);
        }

        await host.WaitUntilPublishedAsync(1, TimeSpan.FromSeconds(10));
        var rows = await host.RowsAsync();
        var message = Assert.Single(await SignalStreamContents.ReadAllAsync(nats.Url));
        Assert.NotNull(rolledBack);
        Assert.Equal([committed], rows.Select(row => row.Id));
        Assert.Equal(committed.ToString(), message.MsgId);
        Assert.Equal(committed.ToString(), message.Body.GetProperty("id").GetString());
        Assert.Equal(1, rows[0].Attempts);
        Assert.Null(rows[0].LastError);
        // The publish carries the writing request's trace.
        Assert.Equal(rows[0].Traceparent!.Split('-')[1], message.Traceparent!.Split('-')[1]);
        Assert.DoesNotContain(tap.Messages, m => m.MsgId == rolledBack.ToString());
    }

    [Fact]
    public async Task A_signal_added_to_a_batch_exists_exactly_when_the_batch_commits()
    {
        await using var host = await OutboxTestHost.StartAsync(natsUrl: null);
        var writer = host.Get<OutboxWriter>();
        await using var connection = await host.Get<NpgsqlDataSource>().OpenConnectionAsync();

        // A later statement of the same batch fails: the whole batch, signal included, is undone.
        await using (var failing = new NpgsqlBatch(connection))
        {
            writer.AddTo(failing, SampleSignals.Chat("s_batch_failed"), dedupKey: null);
            failing.BatchCommands.Add(new NpgsqlBatchCommand("SELECT 1 / 0"));
            await Assert.ThrowsAsync<PostgresException>(() => failing.ExecuteNonQueryAsync());
        }
        await using (var succeeding = new NpgsqlBatch(connection))
        {
            writer.AddTo(succeeding, SampleSignals.Chat("s_batch_ok"), dedupKey: null);
            succeeding.BatchCommands.Add(new NpgsqlBatchCommand("SELECT 1"));
            await succeeding.ExecuteNonQueryAsync();
        }

        var row = Assert.Single(await host.RowsAsync());
        Assert.Equal(SampleSignals.Chat("s_batch_ok").Subject, row.Subject);
        Assert.Equal(1L, await host.ScalarAsync<long>("SELECT count(*) FROM event_outbox WHERE payload::text LIKE '%s_batch_ok%'"));
    }

    [Fact]
    public async Task Repeated_dedup_key_leaves_one_row()
    {
        await using var host = await OutboxTestHost.StartAsync(natsUrl: null);
        var key = SignalDedupKeys.Chat("s_dedup", Guid.NewGuid().ToString());

        var first = await host.WriteAsync(SampleSignals.Chat("s_dedup"), key);
        var second = await host.WriteAsync(SampleSignals.Chat("s_dedup"), key);
        var unkeyed = await host.WriteAsync(SampleSignals.Chat("s_dedup"));

        Assert.NotNull(first);
        Assert.Null(second);
        Assert.Equal([first!.Value, unkeyed!.Value], (await host.RowsAsync()).Select(row => row.Id));
    }

    [Fact]
    public async Task Writer_refuses_a_subject_outside_the_stream()
    {
        var servers = await SharedServers.GetAsync();
        await using var connection = new NpgsqlConnection(servers.Postgres.AdminConnectionString);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        var writer = new OutboxWriter(TimeProvider.System);

        await Assert.ThrowsAsync<ArgumentException>(() => writer.AddAsync(connection, transaction, "dixie.fleet.agent_spawned",
            "fleet.agent_spawned", new { }, null, null, CancellationToken.None));
    }
}
