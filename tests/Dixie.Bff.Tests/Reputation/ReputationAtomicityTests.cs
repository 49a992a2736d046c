using System.Net;
using Dixie.Bff.Features.Governance.Audit;
using Dixie.Bff.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using static Dixie.Bff.Tests.Reputation.ReputationTesting;

namespace Dixie.Bff.Tests.Reputation;

/// <summary>
/// Spec 06 §14 item 23 and spec 13 F6: a failure at the last statement before COMMIT (the audit append,
/// after events, aggregates, cohorts, population, mutations and outbox were written) leaves no trace.
/// </summary>
[Trait("Category", "Faults")]
public sealed class ReputationAtomicityTests
{
    [Fact]
    public async Task A_batch_that_fails_before_commit_leaves_all_or_nothing()
    {
        var fail = false;
        await using var host = await ReputationHostFixture.StartAsync(services: s => s.AddSingleton(new AuditAppendHook((chain, _, _) =>
            fail && chain == "reputation" ? throw new InvalidOperationException("killed mid ingest") : Task.CompletedTask)));
        using var admin = ReputationHostFixture.Client(host, TestEnvironment.AdminKey);
        var existing = NewAgent();
        await admin.IngestAsync(Quality(existing, 0.7));
        var before = await StateAsync(host, existing);

        fail = true;
        var fresh = NewAgent();
        using var response = await admin.PostEventsAsync(new System.Text.Json.Nodes.JsonArray(
            Quality(existing, 0.2, 5), ModelPerformance(fresh, "m", "analysis", 0.4, 6), TaskCompleted(fresh, 7)));
        Assert.True((int)response.StatusCode >= 500);
        await ErrorAssert.IsErrorShapeAsync(response);

        Assert.Equal(before, await StateAsync(host, existing));
        Assert.Equal(0L, await host.ScalarAsync("SELECT count(*) FROM reputation_events WHERE nft_id = @id", ("id", fresh)));
        Assert.Equal(0L, await host.ScalarAsync("SELECT count(*) FROM reputation_aggregates WHERE nft_id = @id", ("id", fresh)));
        Assert.Equal(0L, await host.ScalarAsync("SELECT count(*) FROM reputation_task_cohorts WHERE nft_id = @id", ("id", fresh)));

        fail = false;
        using var reader = ReputationHostFixture.Client(host, null);
        Assert.Null(await reader.ScoreAsync(fresh));
        Assert.Equal(HttpStatusCode.OK, (await admin.PostEventsAsync(Quality(fresh, 0.4))).StatusCode);
    }

    private static async Task<string> StateAsync(DixieHost host, string agent) => string.Join("|",
        await host.ScalarAsync("SELECT version::text || data::text FROM reputation_aggregates WHERE nft_id = @id", ("id", agent)),
        await host.ScalarAsync("SELECT count || ':' || mean || ':' || m2 FROM reputation_population"),
        await host.ScalarAsync("SELECT count(*) FROM reputation_events"),
        await host.ScalarAsync("SELECT count(*) FROM event_outbox"),
        await host.ScalarAsync("SELECT count(*) FROM audit_entries"),
        await host.ScalarAsync("SELECT count(*) FROM governance_mutations"));
}
