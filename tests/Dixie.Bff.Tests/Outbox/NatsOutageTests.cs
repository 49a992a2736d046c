using Dixie.Bff.Infrastructure.Nats;
using Dixie.Bff.Tests.Infrastructure;

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
}
