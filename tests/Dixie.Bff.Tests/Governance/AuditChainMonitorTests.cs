using Dixie.Bff.Features.Governance.Audit;

namespace Dixie.Bff.Tests.Governance;

public sealed class AuditChainMonitorTests(AuditHostFixture fixture) : IClassFixture<AuditHostFixture>
{
    private AuditChainStatuses Statuses => fixture.Host.Get<AuditChainStatuses>();

    [Fact]
    public async Task A_run_records_every_chain_and_resumes_from_its_checkpoint()
    {
        var chain = AuditHostFixture.NewChain();
        await fixture.AppendAsync(chain, AuditTrailTests.Records(3));
        await fixture.Host.Get<AuditChainMonitor>().RunOnceAsync(default);
        var first = Statuses.Get(chain)!;
        Assert.True(first.Valid);
        Assert.Equal(3, first.EntriesChecked);

        var more = await fixture.AppendAsync(chain, AuditTrailTests.Records(2));
        await fixture.Host.Get<AuditChainMonitor>().RunOnceAsync(default);

        var second = Statuses.Get(chain)!;
        Assert.True(second.Valid);
        Assert.Equal(5, second.EntriesChecked);
        Assert.Equal(more[^1].EntryId, second.VerifiedThrough);
        Assert.True(second.VerifiedAt >= first.VerifiedAt);
    }

    [Fact]
    public async Task A_tampered_chain_is_recorded_and_logged_once_and_its_repair_is_seen()
    {
        var chain = AuditHostFixture.NewChain();
        var entries = await fixture.AppendAsync(chain, AuditTrailTests.Records(3));
        await fixture.ExecuteAsync("""UPDATE audit_entries SET payload = '{"n":42}' WHERE entry_id = @id""", ("id", entries[2].EntryId));
        var monitor = fixture.Host.Get<AuditChainMonitor>();

        await monitor.RunOnceAsync(default);
        await monitor.RunOnceAsync(default);

        var broken = Statuses.Get(chain)!;
        Assert.False(broken.Valid);
        Assert.Equal(3, broken.EntriesChecked);
        var logged = fixture.Host.Logs.Events("audit_chain_broken").Where(e => e.String("resource_type") == chain).ToList();
        var line = Assert.Single(logged);
        Assert.Equal("error", line.String("level"));
        Assert.Equal(entries[2].EntryId.ToString(), line.String("entry_id"));
        Assert.Equal(2, line.Long("index"));

        await fixture.ExecuteAsync("""UPDATE audit_entries SET payload = '{"n":2}' WHERE entry_id = @id""", ("id", entries[2].EntryId));
        await monitor.RunOnceAsync(default);
        Assert.True(Statuses.Get(chain)!.Valid);
    }
}
