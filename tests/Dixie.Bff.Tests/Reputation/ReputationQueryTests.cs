using System.Net;
using Dixie.Bff.Tests.Support;
using static Dixie.Bff.Tests.Reputation.ReputationTesting;

namespace Dixie.Bff.Tests.Reputation;

/// <summary>Spec 06 §14 item 18: `/query` is public, always 200, exactly one key.</summary>
[Trait("Category", "Security")]
public sealed class ReputationQueryTests(ReputationHostFixture fixture) : IClassFixture<ReputationHostFixture>
{
    [Fact]
    public async Task Unknown_agent_answers_exactly_one_null_key()
    {
        using var anonymous = ReputationHostFixture.Client(fixture.Host, null);
        Assert.Equal("""{"score":null}""", await anonymous.QueryTextAsync("nft:" + NewAgent()));
    }

    [Theory]
    [InlineData("")]
    [InlineData("nft:")]
    [InlineData("nft:../../admin")]
    [InlineData("nft:..%2F..%2Fadmin")]
    [InlineData("NFT:1")]
    [InlineData("nft:a/b")]
    [InlineData("'; DROP TABLE reputation_aggregates; --")]
    public async Task Malformed_and_traversal_looking_keys_answer_null(string key)
    {
        using var anonymous = ReputationHostFixture.Client(fixture.Host, null);
        Assert.Equal("""{"score":null}""", await anonymous.QueryTextAsync(key));
    }

    [Fact]
    public async Task Missing_and_overlong_keys_answer_null()
    {
        using var anonymous = ReputationHostFixture.Client(fixture.Host, null);
        foreach (var path in new[] { "/api/reputation/query", "/api/reputation/query?routingKey=nft:" + new string('a', 129) })
        {
            using var response = await anonymous.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("""{"score":null}""", await response.Content.ReadAsStringAsync());
        }
    }

    [Fact]
    public async Task An_ingested_score_is_served_at_full_precision_to_anyone()
    {
        var agent = NewAgent();
        using (var empty = ReputationHostFixture.Client(fixture.Host, null))
            Assert.Null(await empty.ScoreAsync(agent));
        var ingest = await fixture.Admin.IngestAsync(Quality(agent, 0.8));
        var expected = ingest.GetProperty("aggregates")[0].GetProperty("blended_score").GetDouble();

        using var anonymous = ReputationHostFixture.Client(fixture.Host, null);
        using var invalidJwt = ReputationHostFixture.Client(fixture.Host, "eyJhbGciOiJIUzI1NiJ9.e30.invalid");
        Assert.Equal(expected, await anonymous.ScoreAsync(agent));
        Assert.Equal(expected, await invalidJwt.ScoreAsync(agent));
        var column = (decimal)(await fixture.Host.ScalarAsync("SELECT blended_score FROM reputation_aggregates WHERE nft_id = @id", ("id", agent)))!;
        Assert.Equal(Math.Round((decimal)expected, 4), column);
        Assert.NotEqual((double)column, expected);
    }

    [Fact]
    public async Task The_per_ip_limit_answers_429_rate_limited()
    {
        var path = Dixie.Bff.Tests.Allowlist.AllowlistTesting.NewPath();
        Dixie.Bff.Tests.Allowlist.AllowlistTesting.Write(path, Dixie.Bff.Tests.Allowlist.AllowlistTesting.FileWith([], []));
        await using var host = await DixieHost.StartAsync(new DixieHostOptions
        {
            Environment = { ["DIXIE_ALLOWLIST_PATH"] = path, ["DIXIE_REPUTATION_QUERY_RPM"] = "2" },
        });
        using var anonymous = ReputationHostFixture.Client(host, null);
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++)
        {
            using var response = await anonymous.GetAsync("/api/reputation/query?routingKey=nft:" + NewAgent());
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                await ErrorAssert.IsErrorAsync(response, HttpStatusCode.TooManyRequests, "rate_limited");
                break;
            }
        }
        Assert.Equal(HttpStatusCode.OK, statuses[0]);
        Assert.Contains(HttpStatusCode.TooManyRequests, statuses);
    }

    [Fact]
    public async Task Two_routing_keys_use_the_first()
    {
        var agent = NewAgent();
        await fixture.Admin.IngestAsync(Quality(agent, 0.9));
        using var anonymous = ReputationHostFixture.Client(fixture.Host, null);
        using var response = await anonymous.GetAsync($"/api/reputation/query?routingKey=nft:{agent}&routingKey=nft:{NewAgent()}");
        var score = (await response.JsonAsync()).GetProperty("score");
        Assert.Equal(System.Text.Json.JsonValueKind.Number, score.ValueKind);
    }
}
