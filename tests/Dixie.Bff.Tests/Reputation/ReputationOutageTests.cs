using System.Net;
using Dixie.Bff.Features.Reputation;
using Dixie.Bff.Tests.Infrastructure;
using Dixie.Bff.Tests.Support;
using static Dixie.Bff.Tests.Reputation.ReputationTesting;

namespace Dixie.Bff.Tests.Reputation;

/// <summary>Spec 06 §8.1: with PostgreSQL stopped `/query` answers 200 null, does not cache it, and recovers.</summary>
[Trait("Category", "Faults")]
public sealed class ReputationOutageTests
{
    [Fact]
    public async Task Query_answers_null_without_caching_while_the_database_is_down()
    {
        await using var postgres = await PostgresServer.StartAsync();
        await using var host = await ReputationHostFixture.StartAsync(await postgres.CreateDatabaseAsync());
        using var admin = ReputationHostFixture.Client(host, TestEnvironment.AdminKey);
        var agent = NewAgent();
        await admin.IngestAsync(Quality(agent, 0.8));
        host.Get<ScoreCache>().Clear();

        await postgres.StopAsync();
        using var anonymous = ReputationHostFixture.Client(host, null);
        Assert.Equal("""{"score":null}""", await anonymous.QueryTextAsync("nft:" + agent));
        Assert.False(host.Get<ScoreCache>().TryGet(agent, out _));
        await ErrorAssert.IsErrorAsync(await admin.GetAsync("/api/reputation/population"), HttpStatusCode.ServiceUnavailable, "database_unavailable");

        await postgres.StartAgainAsync();
        await Eventually.TrueAsync(async () => await anonymous.ScoreAsync(agent) is not null, TimeSpan.FromSeconds(20));
    }
}
