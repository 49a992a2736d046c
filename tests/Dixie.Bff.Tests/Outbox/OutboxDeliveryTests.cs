using System.Diagnostics;
using Dixie.Bff.Infrastructure.Logging;
using Dixie.Bff.Infrastructure.Outbox;
using Dixie.Bff.Tests.Infrastructure;
using NATS.Client.Core;
using NATS.Client.JetStream;
using Npgsql;

namespace Dixie.Bff.Tests.Outbox;

public sealed class OutboxDeliveryTests
{
    [Fact]
    public async Task Notify_wakes_the_worker()
    {
        await using var nats = await NatsServer.StartAsync();
        // With a one-minute poll, only the notification can deliver the row quickly.
        await using var host = await OutboxTestHost.StartAsync(nats.Url, options: OutboxTestHost.Options(pollMs: 60_000));
        await Task.Delay(300); // the listener is up and the startup cycle is done

        var watch = Stopwatch.StartNew();
        await host.WriteAsync(SampleSignals.Chat());
        await host.WaitUntilPublishedAsync(1, TimeSpan.FromSeconds(10));

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(1.5), $"published after {watch.Elapsed}");
    }

    [Fact]
    public async Task Polling_delivers_while_the_listen_connection_is_gone()
    {
        await using var nats = await NatsServer.StartAsync();
        var options = OutboxTestHost.Options(pollMs: 300) with { ListenerRetryMin = TimeSpan.FromMinutes(1), ListenerRetryMax = TimeSpan.FromMinutes(1) };
        await using var host = await OutboxTestHost.StartAsync(nats.Url, options: options);
        await OutboxTestHost.WaitUntilAsync(async () => await host.ScalarAsync<long>(ListenerCountSql) == 1, TimeSpan.FromSeconds(10), "listener connected");

        await host.ExecuteAsync("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND query = 'LISTEN dixie_outbox'");
        await OutboxTestHost.WaitUntilAsync(() => Task.FromResult(host.Logs.Events(LogEvents.OutboxListenerDisconnected).Any()),
            TimeSpan.FromSeconds(10), "outbox_listener_disconnected");
        await host.WriteAsync(SampleSignals.Chat());
        await host.WaitUntilPublishedAsync(1, TimeSpan.FromSeconds(5));

        Assert.Equal(0, await host.ScalarAsync<long>(ListenerCountSql));
        Assert.Single(host.Logs.Events(LogEvents.OutboxListenerDisconnected));
    }

    private const string ListenerCountSql =
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND query = 'LISTEN dixie_outbox'";

    [Fact]
    public async Task Republish_after_crash_is_deduplicated()
    {
        await using var nats = await NatsServer.StartAsync();
        await using var host = await OutboxTestHost.StartAsync(nats.Url);
        await using var tap = await SignalTap.StartAsync(nats.Url);

        // The row is held back while "the crashed worker" publishes it: its ack came, its mark was lost.
        var id = await WriteHeldBackAsync(host);
        var (subject, payload) = await PayloadAsync(host, id);
        await using (var connection = new NatsConnection(new NatsOpts { Url = nats.Url }))
        {
            var ack = await new NatsJSContext(connection).PublishAsync(subject, payload, opts: new NatsJSPubOpts { MsgId = id.ToString() });
            Assert.False(ack.Duplicate);
        }
        await host.ExecuteAsync("UPDATE event_outbox SET available_at = now() WHERE id = @id", ("id", id));
        await host.WaitUntilPublishedAsync(1, TimeSpan.FromSeconds(10));

        var stored = await SignalStreamContents.ReadAllAsync(nats.Url);
        Assert.Single(stored, m => m.MsgId == id.ToString());
        await OutboxTestHost.WaitUntilAsync(() => Task.FromResult(tap.Messages.Count(m => m.MsgId == id.ToString()) == 2),
            TimeSpan.FromSeconds(5), "both publishes seen on the wire");
        Assert.Equal(1, host.Get<OutboxWorker>().Publisher.DuplicateAcks);
        Assert.Equal(1, (await host.RowAsync(id)).Attempts);
    }

    [Fact]
    public async Task Two_workers_never_publish_the_same_row()
    {
        const int Rows = 1000;
        await using var nats = await NatsServer.StartAsync();
        var database = await (await SharedServers.GetAsync()).Postgres.CreateDatabaseAsync();
        await using var first = await OutboxTestHost.StartAsync(nats.Url, database);
        await using var second = await OutboxTestHost.StartAsync(nats.Url, database);
        await using var tap = await SignalTap.StartAsync(nats.Url);

        var ids = new List<Guid>();
        var dataSource = first.Get<NpgsqlDataSource>();
        for (var batch = 0; batch < Rows / 100; batch++)
        {
            await using var connection = await dataSource.OpenConnectionAsync();
            await using var transaction = await connection.BeginTransactionAsync();
            for (var i = 0; i < 100; i++)
                ids.Add((await first.Get<OutboxWriter>().AddAsync(connection, transaction, SampleSignals.Chat(), null, CancellationToken.None))!.Value);
            await transaction.CommitAsync();
        }
        await first.WaitUntilPublishedAsync(Rows, TimeSpan.FromSeconds(60));
        await OutboxTestHost.WaitUntilAsync(() => Task.FromResult(tap.Messages.Count >= Rows), TimeSpan.FromSeconds(10), "every publish seen");
        await Task.Delay(300); // a second copy would arrive right behind the first

        var published = tap.Messages.Select(m => m.MsgId).ToList();
        Assert.Equal(Rows, published.Count);
        Assert.Equal(ids.Select(id => id.ToString()).Order(), published.Order());
        Assert.Equal(Rows, (await SignalStreamContents.ReadAllAsync(nats.Url)).Count);
        Assert.Equal(0, first.Get<OutboxWorker>().Publisher.DuplicateAcks + second.Get<OutboxWorker>().Publisher.DuplicateAcks);
        Assert.All(await first.RowsAsync(), row => Assert.Equal(1, row.Attempts));
    }

    private static async Task<Guid> WriteHeldBackAsync(Support.DixieHost host)
    {
        await using var connection = await host.Get<NpgsqlDataSource>().OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        var id = (await host.Get<OutboxWriter>().AddAsync(connection, transaction, SampleSignals.Chat(), null, CancellationToken.None))!.Value;
        await using (var hold = new NpgsqlCommand("UPDATE event_outbox SET available_at = now() + interval '1 hour' WHERE id = @id", connection, transaction))
        {
            hold.Parameters.AddWithValue("id", id);
            await hold.ExecuteNonQueryAsync();
        }
        await transaction.CommitAsync();
        return id;
    }

    private static async Task<(string Subject, string Payload)> PayloadAsync(Support.DixieHost host, Guid id)
    {
        await using var command = host.Get<NpgsqlDataSource>().CreateCommand("SELECT subject, payload::text FROM event_outbox WHERE id = @id");
        command.Parameters.AddWithValue("id", id);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetString(0), reader.GetString(1));
    }
}
