using Dixie.Bff.Tests.Allowlist;
using Dixie.Bff.Tests.Agents;
using System.Net;
using System.Text.Json.Nodes;
using Dixie.Bff.Tests.Support;
using static Dixie.Bff.Tests.Reputation.ReputationTesting;

namespace Dixie.Bff.Tests.Reputation;

/// <summary>Spec 06 §14 items 19–20: `/population` needs the admin key; the agent reads check in §8.3 order.</summary>
[Trait("Category", "Security")]
public sealed class ReputationReadTests(ReputationHostFixture fixture) : IClassFixture<ReputationHostFixture>
{
    [Fact]
    public async Task Population_needs_the_admin_key()
    {
        using var anonymous = ReputationHostFixture.Client(fixture.Host, null);
        await ErrorAssert.IsErrorAsync(await anonymous.GetAsync("/api/reputation/population"), HttpStatusCode.Unauthorized, "unauthorized", "Admin key required");
        using var wrong = ReputationHostFixture.Client(fixture.Host, "not-the-admin-key");
        await ErrorAssert.IsErrorAsync(await wrong.GetAsync("/api/reputation/population"), HttpStatusCode.Forbidden, "forbidden", "Invalid admin key");
        using var wallet = fixture.WalletClient();
        await ErrorAssert.IsErrorAsync(await wallet.GetAsync("/api/reputation/population"), HttpStatusCode.Forbidden, "forbidden", "Invalid admin key");
        using var ok = await fixture.Admin.GetAsync("/api/reputation/population");
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal(["mean", "variance", "population_size", "store_count"], (await ok.JsonAsync()).EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public async Task Events_need_the_admin_key()
    {
        using var wallet = fixture.WalletClient();
        using var response = await wallet.PostEventsAsync(Quality(NewAgent(), 0.5));
        await ErrorAssert.IsErrorAsync(response, HttpStatusCode.Forbidden, "forbidden", "Invalid admin key");
    }

    [Fact]
    public async Task Agent_reads_check_identity_allowlist_id_tier_and_existence_in_order()
    {
        var agent = NewAgent();
        using var anonymous = ReputationHostFixture.Client(fixture.Host, null);
        await ErrorAssert.IsErrorAsync(await anonymous.GetAsync($"/api/reputation/{agent}"), HttpStatusCode.Unauthorized, "unauthorized", "Authentication required");
        using var unlisted = ReputationHostFixture.Client(fixture.Host, fixture.Host.Get<Dixie.Bff.Features.Auth.TokenIssuer>().Issue(AllowlistTestingWallet()).Token);
        await ErrorAssert.IsErrorAsync(await unlisted.GetAsync($"/api/reputation/{agent}"), HttpStatusCode.Forbidden, "forbidden", "Not authorized");
        await ErrorAssert.IsErrorAsync(await fixture.Admin.GetAsync("/api/reputation/bad.id"), HttpStatusCode.BadRequest, "invalid_request", "Invalid NFT ID");
        using var key = ReputationHostFixture.Client(fixture.Host, ReputationHostFixture.ApiKey);
        await ErrorAssert.IsErrorAsync(await key.GetAsync($"/api/reputation/{agent}"), HttpStatusCode.Forbidden, "forbidden", "Requires builder+ conviction tier");
        await ErrorAssert.IsErrorAsync(await key.GetAsync($"/api/reputation/{agent}/cohorts"), HttpStatusCode.Forbidden, "forbidden", "Requires builder+ conviction tier");
        await ErrorAssert.IsErrorAsync(await fixture.Admin.GetAsync($"/api/reputation/{agent}"), HttpStatusCode.NotFound, "not_found", "Agent not found");
        await ErrorAssert.IsErrorAsync(await fixture.Admin.GetAsync($"/api/reputation/{agent}/cohorts"), HttpStatusCode.NotFound, "not_found", "Agent not found");
    }

    [Fact]
    public async Task Agent_reads_need_a_builder_tier_resolved_on_the_server()
    {
        var agent = NewAgent();
        await fixture.Admin.IngestAsync(Quality(agent, 0.6));
        var emulator = await SharedEmulator.GetAsync();
        var participant = AllowlistTesting.NewWallet();
        var builder = AllowlistTesting.NewWallet();
        await emulator.SetStakingAsync(participant, 50);
        await emulator.SetStakingAsync(builder, 150);
        foreach (var wallet in new[] { participant, builder })
            Assert.Equal(HttpStatusCode.Created, (await fixture.Host.AddAsync("wallet", wallet)).StatusCode);

        using var low = ReputationHostFixture.Client(fixture.Host, fixture.Host.Get<Dixie.Bff.Features.Auth.TokenIssuer>().Issue(participant).Token);
        await ErrorAssert.IsErrorAsync(await low.GetAsync($"/api/reputation/{agent}"), HttpStatusCode.Forbidden, "forbidden", "Requires builder+ conviction tier");
        await ErrorAssert.IsErrorAsync(await low.GetAsync($"/api/reputation/{agent}/cohorts"), HttpStatusCode.Forbidden, "forbidden", "Requires builder+ conviction tier");
        using var enough = ReputationHostFixture.Client(fixture.Host, fixture.Host.Get<Dixie.Bff.Features.Auth.TokenIssuer>().Issue(builder).Token);
        Assert.Equal(HttpStatusCode.OK, (await enough.GetAsync($"/api/reputation/{agent}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await enough.GetAsync($"/api/reputation/{agent}/cohorts")).StatusCode);
    }

    [Fact]
    public async Task Spoofed_tier_and_wallet_headers_change_nothing()
    {
        var agent = NewAgent();
        await fixture.Admin.IngestAsync(Quality(agent, 0.6));
        using var key = ReputationHostFixture.Client(fixture.Host, ReputationHostFixture.ApiKey);
        key.DefaultRequestHeaders.Add("x-conviction-tier", "sovereign");
        key.DefaultRequestHeaders.Add("x-wallet-address", ReputationHostFixture.Wallet);
        await ErrorAssert.IsErrorAsync(await key.GetAsync($"/api/reputation/{agent}"), HttpStatusCode.Forbidden, "forbidden", "Requires builder+ conviction tier");
    }

    [Fact]
    public async Task The_agent_body_carries_scores_reliability_cohorts_and_snapshot_time()
    {
        var agent = NewAgent();
        await fixture.Admin.IngestAsync(ModelPerformance(agent, "gpt-4o", "code_review", 0.8, 0), Quality(agent, 0.6, 1));
        using var response = await fixture.Admin.GetAsync($"/api/reputation/{agent}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.JsonAsync();
        Assert.Equal(["blended_score", "personal_score", "sample_count", "state", "reliability", "dimensions", "snapshot_at"],
            body.EnumerateObject().Select(p => p.Name));
        Assert.Equal(2, body.GetProperty("sample_count").GetInt64());
        Assert.False(body.GetProperty("reliability").GetProperty("reliable").GetBoolean());
        Assert.Equal("sample_count below 5", body.GetProperty("reliability").GetProperty("reasons")[0].GetString());
        var cohort = body.GetProperty("dimensions")[0];
        Assert.Equal("gpt-4o", cohort.GetProperty("model_id").GetString());
        Assert.Equal(0.8, cohort.GetProperty("personal_score").GetDouble());
        Assert.Matches(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$", body.GetProperty("snapshot_at").GetString());

        using var wallet = fixture.WalletClient();
        Assert.Equal(HttpStatusCode.OK, (await wallet.GetAsync($"/api/reputation/{agent}")).StatusCode);
    }

    [Fact]
    public async Task Cohorts_route_computes_the_cross_model_score()
    {
        var agent = NewAgent();
        await fixture.Admin.IngestAsync(Quality(agent, 0.6));
        var cohorts = new JsonArray(
            new JsonObject { ["model_id"] = "a", ["task_type"] = "analysis", ["personal_score"] = 0.8, ["sample_count"] = 5, ["last_updated"] = Timestamp() },
            new JsonObject { ["model_id"] = "b", ["task_type"] = "analysis", ["personal_score"] = 0.7, ["sample_count"] = 3, ["last_updated"] = Timestamp() });
        await fixture.Host.ScalarAsync("UPDATE reputation_aggregates SET data = jsonb_set(data, '{task_cohorts}', @cohorts::jsonb) WHERE nft_id = @id",
            ("cohorts", cohorts.ToJsonString()), ("id", agent));
        using var response = await fixture.Admin.GetAsync($"/api/reputation/{agent}/cohorts");
        var body = await response.JsonAsync();
        Assert.Equal(0.7625, body.GetProperty("cross_model_score").GetDouble(), 12);
        Assert.Equal(2, body.GetProperty("cohorts").GetArrayLength());
    }

    private static string AllowlistTestingWallet() => Dixie.Bff.Tests.Allowlist.AllowlistTesting.NewWallet();
}
