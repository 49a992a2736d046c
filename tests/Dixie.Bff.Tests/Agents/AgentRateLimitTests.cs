using System.Globalization;
using System.Net;
using System.Text.Json;
using Dixie.Bff.Tests.Auth;
using Dixie.Bff.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Dixie.Bff.Tests.Agents;

[Trait("Category", "Security")]
public sealed class AgentRateLimitTests
{
    private static async Task<HttpStatusCode> CapabilitiesAsync(AgentHost host, TestAgent agent, string? ts = null)
    {
        using var response = await host.Client.SendAsync(agent.Request(HttpMethod.Get, "/api/agent/capabilities", ts));
        return response.StatusCode;
    }

    private static async Task<long> AssertLimitedAsync(HttpResponseMessage response)
    {
        var body = await ErrorAssert.IsErrorAsync(response, HttpStatusCode.TooManyRequests, "rate_limited", "Agent rate limit exceeded");
        var retryAfter = body.GetProperty("retry_after").GetInt64();
        Assert.Equal(retryAfter.ToString(CultureInfo.InvariantCulture), response.Headers.GetValues("Retry-After").Single());
        return retryAfter;
    }

    [Fact]
    public async Task Owner_below_architect_gets_denial_and_consumes_no_quota_then_minute_limit_applies()
    {
        await using var agents = await AgentHost.StartAsync();
        var agent = TestAgent.New();
        for (var i = 0; i < 40; i++) Assert.Equal(HttpStatusCode.Forbidden, await CapabilitiesAsync(agents, agent));

        await agents.Emulator.SetStakingAsync(agent.Owner.Address, 1000);
        for (var i = 0; i < 30; i++) Assert.Equal(HttpStatusCode.OK, await CapabilitiesAsync(agents, agent));
        using var limited = await agents.Client.SendAsync(agent.Request(HttpMethod.Get, "/api/agent/capabilities"));
        Assert.InRange(await AssertLimitedAsync(limited), 1, 60);
        // Another TBA has its own window.
        Assert.Equal(HttpStatusCode.OK, await CapabilitiesAsync(agents, await agents.Emulator.ArchitectAgentAsync()));
    }

    [Fact]
    public async Task Daily_limit_returns_seconds_until_utc_midnight()
    {
        var clock = new TestClock();
        var today = DateTimeOffset.UtcNow.UtcDateTime.Date;
        var now = new DateTimeOffset(today.AddHours(23).AddMinutes(59).AddSeconds(30), TimeSpan.Zero);
        clock.Set(now);
        await using var agents = await AgentHost.StartAsync(new() { ["DIXIE_AGENT_RATE_LIMIT_PER_DAY"] = "3" },
            services: s => s.AddSingleton<TimeProvider>(clock));
        var agent = await agents.Emulator.ArchitectAgentAsync();
        var ts = now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        for (var i = 0; i < 3; i++) Assert.Equal(HttpStatusCode.OK, await CapabilitiesAsync(agents, agent, ts));
        using var limited = await agents.Client.SendAsync(agent.Request(HttpMethod.Get, "/api/agent/capabilities", ts));
        Assert.Equal(30, await AssertLimitedAsync(limited));
    }

    [Fact]
    public async Task Agent_rate_limit_is_shared_across_instances()
    {
        await using var first = await AgentHost.StartAsync();
        await using var second = await AgentHost.StartAsync(emulator: first.Emulator, prefix: first.Prefix,
            extraWallets: [first.CallerWallet]);
        var agent = await first.Emulator.ArchitectAgentAsync();
        for (var i = 0; i < 30; i++) Assert.Equal(HttpStatusCode.OK, await CapabilitiesAsync(i % 2 == 0 ? first : second, agent));
        using (var one = await first.Client.SendAsync(agent.Request(HttpMethod.Get, "/api/agent/capabilities"))) await AssertLimitedAsync(one);
        using (var two = await second.Client.SendAsync(agent.Request(HttpMethod.Get, "/api/agent/capabilities"))) await AssertLimitedAsync(two);
    }

    [Fact]
    public async Task Agent_rate_limit_works_without_redis()
    {
        await using var agents = await AgentHost.StartAsync(new() { ["DIXIE_AGENT_RATE_LIMIT_PER_MINUTE"] = "3" }, redis: false);
        var agent = await agents.Emulator.ArchitectAgentAsync();
        for (var i = 0; i < 3; i++) Assert.Equal(HttpStatusCode.OK, await CapabilitiesAsync(agents, agent));
        using var limited = await agents.Client.SendAsync(agent.Request(HttpMethod.Get, "/api/agent/capabilities"));
        Assert.InRange(await AssertLimitedAsync(limited), 1, 60);
        var capabilities = await agents.Client.SendAsync((await agents.Emulator.ArchitectAgentAsync()).Request(HttpMethod.Get, "/api/agent/capabilities"));
        var body = JsonDocument.Parse(await capabilities.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(3, body.GetProperty("rateLimits").GetProperty("requestsPerMinute").GetInt32());
    }
}
