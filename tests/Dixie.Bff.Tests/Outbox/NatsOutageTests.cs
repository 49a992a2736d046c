using Dixie.Bff.Infrastructure.Nats;
using Dixie.Bff.Tests.Allowlist;
using Dixie.Bff.Tests.Chat;
using Dixie.Bff.Tests.Fleet;
using Dixie.Bff.Tests.Infrastructure;
using Dixie.Bff.Tests.Reputation;
using Dixie.Bff.Tests.Support;

namespace Dixie.Bff.Tests.Outbox;

/// <summary>Spec 13 F5: signals written while NATS is down are all delivered, once each, when it returns.</summary>
public sealed class NatsOutageTests
{
    // Spec 13 F5's length: long enough for NATS.Net's reconnect backoff to reach its ceiling.
    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(60);
    private const int Signals = 50;

    [Fact]
    [Trait("Category", "Faults")]
    public async Task Nats_outage_loses_nothing()
    {
        await using var nats = await NatsServer.StartAsync();
        await using var host = await OutboxTestHost.StartAsync(nats.Url);
        var before = (await host.WriteAsync(SampleSignals.Chat()))!.Value;
        await host.WaitUntilPublishedAsync(1, TimeSpan.FromSeconds(10));

        await nats.StopAsync();
        var status = host.Get<NatsStatus>();
        await OutboxTestHost.WaitUntilAsync(() => Task.FromResult(status.State != NatsState.Ready), TimeSpan.FromSeconds(10), "NATS seen down");
        var ids = new List<Guid> { before };
        for (var i = 0; i < Signals; i++)
        {
            ids.Add((await host.WriteAsync(SampleSignals.Chat()))!.Value);
            await Task.Delay(Outage / Signals);
        }
        var duringOutage = await host.RowsAsync();
        await nats.StartAgainAsync();
        await host.WaitUntilPublishedAsync(Signals + 1, TimeSpan.FromSeconds(30));

        // An outage costs rows no attempts: nothing was claimed while NATS was away.
        Assert.All(duringOutage.Where(row => row.Id != before), row => Assert.Equal((0, (DateTime?)null), (row.Attempts, row.PublishedAt)));
        var stored = await SignalStreamContents.ReadAllAsync(nats.Url);
        Assert.Equal(Signals + 1, stored.Count);
        Assert.Equal(ids.Select(id => id.ToString()).Order(), stored.Select(m => m.MsgId).Order());
        Assert.All(await host.RowsAsync(), row => Assert.Equal(1, row.Attempts));
    }

    [Fact]
    [Trait("Category", "Faults")]
    public async Task Chat_reputation_and_fleet_events_made_through_the_api_during_an_outage_arrive_once_each()
    {
        await using var nats = await NatsServer.StartAsync();
        var wallet = AllowlistTesting.NewWallet();
        await using var host = await FleetTesting.StartHostAsync([wallet], environment: new() { ["NATS_URL"] = nats.Url, ["DIXIE_OUTBOX_POLL_MS"] = "200" });
        var status = host.Get<NatsStatus>();
        await status.WaitUntilReadyAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(20));
        using var user = host.Wallet(wallet);
        using var admin = host.Admin();

        await nats.StopAsync();
        await Eventually.TrueAsync(() => status.State != NatsState.Ready, TimeSpan.FromSeconds(10), "NATS seen down");
        await user.TurnAsync("during the outage");
        await admin.IngestAsync(ReputationTesting.Quality(ReputationTesting.NewAgent(), 0.7));
        var task = await user.SpawnedAsync("exit:0 during the outage");
        await user.StatusAsync(task, "completed");
        var pending = await host.QueryAsync<long>("SELECT count(*) FROM event_outbox WHERE published_at IS NULL");

        await nats.StartAgainAsync();
        await Eventually.TrueAsync(async () => await host.QueryAsync<long>("SELECT count(*) FROM event_outbox WHERE published_at IS NULL") == 0,
            TimeSpan.FromSeconds(30), "the outbox drained");

        var ids = await host.QueryAsync<string>("SELECT string_agg(id::text, ',' ORDER BY id) FROM event_outbox");
        var stored = await SignalStreamContents.ReadAllAsync(nats.Url);
        Assert.Equal(ids.Split(','), stored.Select(m => m.MsgId).Order(StringComparer.Ordinal));
        Assert.True(pending >= 4, $"{pending} events waited: a turn, an ingest and the task's transitions");
        foreach (var subject in new[] { "dixie.signal.interaction", "dixie.signal.reputation", "dixie.signal.fleet.agent_spawned" })
            Assert.Contains(stored, m => m.Subject == subject);
    }
}
