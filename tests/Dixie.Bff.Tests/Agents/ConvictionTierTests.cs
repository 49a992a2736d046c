using System.Text.Json;
using Dixie.Bff.Features.Agents;
using Dixie.Bff.Features.Agents.Conviction;

namespace Dixie.Bff.Tests.Agents;

public sealed class ConvictionTierTests
{
    [Theory]
    [InlineData(0, "observer")]
    [InlineData(0.5, "observer")]
    [InlineData(1, "participant")]
    [InlineData(99, "participant")]
    [InlineData(100, "builder")]
    [InlineData(999, "builder")]
    [InlineData(1000, "architect")]
    [InlineData(9999, "architect")]
    [InlineData(10000, "sovereign")]
    [InlineData(1e6, "sovereign")]
    [InlineData(-1, "observer")]
    [InlineData(double.NaN, "observer")]
    public void Bgt_thresholds_map_to_tiers(double bgt, string tier) => Assert.Equal(tier, ConvictionTier.FromBgt(bgt).Name);

    [Fact]
    public void Tier_tables_are_golden()
    {
        Assert.Equal(["observer", "participant", "builder", "architect", "sovereign"], ConvictionTier.All.Select(t => t.Name));
        Assert.Equal([0, 1, 2, 3, 4], ConvictionTier.All.Select(t => t.Index));
        Assert.Equal(["pool_observer", "pool_standard", "pool_standard", "pool_premium", "pool_premium"], ConvictionTier.All.Select(t => t.ModelPool));
        Assert.Equal([0, 0, 1, 3, 10], ConvictionTier.All.Select(t => t.FleetConcurrentLimit));
        Assert.Equal([0.0, 0.2, 0.5, 0.8, 1.0], ConvictionTier.All.Select(t => t.TrustScore));
        Assert.Equal([TrustState.Cold, TrustState.Warming, TrustState.Established, TrustState.Established, TrustState.Authoritative],
            ConvictionTier.All.Select(t => t.TrustState));
        Assert.Equal(["chat", "personality_view"], ConvictionTier.Observer.Capabilities);
        Assert.Equal(["chat", "personality_view", "memory", "tool_events", "economic_metadata", "scheduling", "agent_api", "autonomous_mode"],
            ConvictionTier.Sovereign.Capabilities);
        Assert.Equal(["chat", "personality_view", "memory", "tool_events", "economic_metadata", "scheduling"], ConvictionTier.Builder.Capabilities);
        Assert.True(ConvictionTier.Architect.Meets(ConvictionTier.Architect));
        Assert.False(ConvictionTier.Builder.Meets(ConvictionTier.Architect));
    }

    [Theory]
    [InlineData("observer", "architect", """{"error":"forbidden","message":"m","actual_tier":"observer","required_tier":"architect","denial_codes":["TRUST_SCORE_BELOW_THRESHOLD","TRUST_STATE_BELOW_THRESHOLD"],"evaluation_gap":{"trust_score_gap":0.8,"reputation_state_gap":2}}""")]
    [InlineData("participant", "architect", """{"error":"forbidden","message":"m","actual_tier":"participant","required_tier":"architect","denial_codes":["TRUST_SCORE_BELOW_THRESHOLD","TRUST_STATE_BELOW_THRESHOLD"],"evaluation_gap":{"trust_score_gap":0.6000000000000001,"reputation_state_gap":1}}""")]
    [InlineData("builder", "architect", """{"error":"forbidden","message":"m","actual_tier":"builder","required_tier":"architect","denial_codes":["TRUST_SCORE_BELOW_THRESHOLD"],"evaluation_gap":{"trust_score_gap":0.30000000000000004}}""")]
    [InlineData("architect", "sovereign", """{"error":"forbidden","message":"m","actual_tier":"architect","required_tier":"sovereign","denial_codes":["TRUST_SCORE_BELOW_THRESHOLD","TRUST_STATE_BELOW_THRESHOLD"],"evaluation_gap":{"trust_score_gap":0.19999999999999996,"reputation_state_gap":1}}""")]
    [InlineData("sovereign", "architect", """{"error":"forbidden","message":"m","actual_tier":"sovereign","required_tier":"architect","denial_codes":[],"evaluation_gap":{}}""")]
    public async Task Denial_body_is_golden(string actual, string required, string expected)
    {
        var context = new Microsoft.AspNetCore.Http.DefaultHttpContext();
        context.Response.Body = new MemoryStream();
        await ConvictionDenial.WriteAsync(context, ConvictionTier.FromName(actual)!, ConvictionTier.FromName(required)!, "m");
        context.Response.Body.Position = 0;
        Assert.Equal(403, context.Response.StatusCode);
        Assert.Equal(expected, await new StreamReader(context.Response.Body).ReadToEndAsync());
    }

    [Theory]
    [InlineData("claude-sonnet-4-6", 200, 400, 6600)]
    [InlineData("claude-opus-4-6", 1000, 1000, 90000)]
    [InlineData("claude-haiku-4-5", 1, 1, 5)]
    [InlineData("gpt-4o-mini", 1, 0, 1)]
    [InlineData("gpt-4o-mini-2024-07-18", 1000, 1000, 750)]
    [InlineData("claude-sonnet-4-6-20260101", 100, 200, 3300)]
    [InlineData("llama-3", 1000, 1000, 0)]
    [InlineData("gpt-4o", 0, 0, 0)]
    [InlineData("claude-sonnet-4-6", 5, 14, 225)]
    public void Cost_table_golden_vectors(string model, long input, long output, long cost) =>
        Assert.Equal(cost, ModelPricing.Cost(model, input, output));

    [Fact]
    public void Cached_result_round_trips_in_the_typescript_shape()
    {
        var json = ConvictionResult.Of(ConvictionTier.Builder, 250.5, ConvictionSource.Freeside).ToCacheJson(1768471200000);
        var root = JsonDocument.Parse(json).RootElement;
        Assert.Equal(["tier", "bgtStaked", "capabilities", "modelPool", "source", "cachedAt"], root.EnumerateObject().Select(p => p.Name));
        var back = ConvictionResult.FromCacheJson(System.Text.Encoding.UTF8.GetString(json))!;
        Assert.Equal("builder", back.TierName);
        Assert.Equal(250.5, back.BgtStaked);
        Assert.Equal(1768471200000, back.CachedAt);
        Assert.Null(ConvictionResult.FromCacheJson("""{"tier":"emperor","source":"x"}"""));
        Assert.Null(ConvictionResult.FromCacheJson("not json"));
    }
}
