using System.Net;
using System.Text.Json;
using Dixie.Bff.Features.Agents;
using Dixie.Bff.Infrastructure.Finn;
using Dixie.Bff.Infrastructure.Redis;
using Dixie.Bff.Tests.Chat;
using Dixie.Bff.Tests.Support;

namespace Dixie.Bff.Tests.Agents;

[Trait("Category", "Faults")]
[Trait("Category", "Security")]
public sealed class AgentVerifierFaultTests
{
    [Fact]
    public async Task Verifier_404_is_401_and_not_a_breaker_failure()
    {
        await using var agents = await AgentHost.StartAsync();
        var agent = await agents.Emulator.ArchitectAgentAsync();
        await agents.Emulator.Admin.SetFaultAsync("error", status: 404, path: "/api/auth/verify-tba");
        for (var i = 0; i < 8; i++)
        {
            using var response = await agents.Client.SendAsync(agent.Request(HttpMethod.Get, "/api/agent/capabilities"));
            await ErrorAssert.IsErrorAsync(response, HttpStatusCode.Unauthorized, "unauthorized", "Invalid TBA signature");
        }
        Assert.Equal("closed", agents.Host.Get<FinnClient>().CircuitState);
    }

    [Fact]
    public async Task Verifier_outage_is_503()
    {
        await using var agents = await AgentHost.StartAsync();
        var agent = await agents.Emulator.ArchitectAgentAsync();
        await agents.Emulator.Admin.SetFaultAsync("error", status: 500, path: "/api/auth/verify-tba");
        using (var response = await agents.Client.SendAsync(agent.Request(HttpMethod.Get, "/api/agent/capabilities")))
            await ErrorAssert.IsErrorAsync(response, HttpStatusCode.ServiceUnavailable, "upstream_error", "TBA verification unavailable");
        for (var i = 0; i < 6 && agents.Host.Get<FinnClient>().CircuitState != "open"; i++)
            (await agents.Client.SendAsync(agent.Request(HttpMethod.Get, "/api/agent/capabilities"))).Dispose();
        using var open = await agents.Client.SendAsync(agent.Request(HttpMethod.Get, "/api/agent/capabilities"));
        await ErrorAssert.IsErrorAsync(open, HttpStatusCode.ServiceUnavailable, "circuit_open", "TBA verification unavailable");
    }

    [Fact]
    public async Task Query_maps_finn_errors_like_chat()
    {
        await using var agents = await AgentHost.StartAsync();
        var agent = await agents.Emulator.ArchitectAgentAsync();
        using (var malformed = await agents.Client.SendAsync(agent.Request(HttpMethod.Post, "/api/agent/query", body: new { query = "x [[fault:nonjson]]" })))
            await ErrorAssert.IsErrorAsync(malformed, HttpStatusCode.BadGateway, "upstream_error", "Invalid response from inference service");
        using (var unknown = await agents.Client.SendAsync(agent.Request(HttpMethod.Post, "/api/agent/query", body: new { query = "x [[fault:status=418]]" })))
            await ErrorAssert.IsErrorAsync(unknown, HttpStatusCode.BadGateway, "upstream_error", "Upstream error (HTTP 418)");
        using (var outage = await agents.Client.SendAsync(agent.Request(HttpMethod.Post, "/api/agent/query", body: new { query = "x [[fault:status=500]]" })))
            await ErrorAssert.IsErrorAsync(outage, HttpStatusCode.BadGateway, "upstream_error");
    }

    [Fact]
    public async Task Query_with_open_circuit_is_503_circuit_open()
    {
        // An allowlisted owner stays architect while the open circuit skips the staking lookup.
        var agent = TestAgent.New();
        await using var agents = await AgentHost.StartAsync(extraWallets: [agent.Owner.Address]);
        // The triple's verification is already cached (as after an earlier request), so the gate passes
        // while the circuit is open and the query itself meets the breaker.
        var ts = TestAgent.Now();
        using (var template = agent.Request(HttpMethod.Get, "/", ts))
        {
            var headers = new TbaHeaders(agent.Tba, template.Headers.GetValues("x-tba-signature").Single(), ts);
            await agents.Host.Get<RedisConnection>().Database.StringSetAsync(TbaVerifier.CacheKey(headers),
                JsonSerializer.Serialize(new AgentIdentity(agent.Tba, agent.Tba, "1", agent.Owner.Address)), TimeSpan.FromMinutes(5));
        }
        await agents.Emulator.Admin.SetFaultAsync("error", status: 500, path: "/api/sessions");
        for (var i = 0; i < 6 && agents.Host.Get<FinnClient>().CircuitState != "open"; i++)
            (await agents.Client.ChatAsync(ChatTesting.Berachain)).Dispose();
        Assert.Equal("open", agents.Host.Get<FinnClient>().CircuitState);
        using var open = await agents.Client.SendAsync(agent.Request(HttpMethod.Post, "/api/agent/query", ts, new { query = "x" }));
        await ErrorAssert.IsErrorAsync(open, HttpStatusCode.ServiceUnavailable, "circuit_open");
        Assert.NotNull(open.Headers.RetryAfter);
    }

    [Fact]
    public async Task Knowledge_passes_through_and_degrades_to_zeros()
    {
        await using var agents = await AgentHost.StartAsync();
        var agent = await agents.Emulator.ArchitectAgentAsync();
        using (var ok = await agents.Client.SendAsync(agent.Request(HttpMethod.Get, "/api/agent/knowledge")))
        {
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
            var body = System.Text.Json.JsonDocument.Parse(await ok.Content.ReadAsStringAsync()).RootElement;
            Assert.Equal(20, body.GetProperty("totalDocuments").GetInt32());
            Assert.Equal("berachain", body.GetProperty("domains")[0].GetProperty("name").GetString());
        }
        foreach (var status in new[] { 404, 500 })
        {
            await agents.Emulator.Admin.SetFaultAsync("error", status: status, path: "/api/knowledge");
            using var degraded = await agents.Client.SendAsync(agent.Request(HttpMethod.Get, "/api/agent/knowledge"));
            Assert.Equal(HttpStatusCode.OK, degraded.StatusCode);
            Assert.Equal("""{"domains":[],"totalDocuments":0}""", await degraded.Content.ReadAsStringAsync());
        }
        Assert.NotEmpty(agents.Host.Logs.Events("agent_knowledge_fallback"));
        Assert.Equal("closed", agents.Host.Get<FinnClient>().CircuitState);
    }
}
