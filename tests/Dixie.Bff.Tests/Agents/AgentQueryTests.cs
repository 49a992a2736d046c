using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Dixie.Bff.Tests.Support;

namespace Dixie.Bff.Tests.Agents;

public sealed class AgentQueryTests(AgentApiFixture fixture) : IClassFixture<AgentApiFixture>
{
    private AgentHost Agents => fixture.Agents;

    private async Task<HttpResponseMessage> QueryAsync(TestAgent agent, string body)
    {
        using var request = agent.Request(HttpMethod.Post, "/api/agent/query");
        request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        return await Agents.Client.SendAsync(request);
    }

    [Fact]
    public async Task Capabilities_is_golden()
    {
        var agent = await Agents.Emulator.ArchitectAgentAsync();
        using var response = await Agents.Client.SendAsync(agent.Request(HttpMethod.Get, "/api/agent/capabilities"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("""{"oracleId":"the-honey-jar-oracle","knowledgeDomains":["berachain","defi","governance","honey-jar","bera-ecosystem"],"supportedFormats":["text","json","structured"],"modelPool":"pool_premium","skills":[{"name":"knowledge_query","description":"Query the Oracle knowledge corpus","costEstimateMicroUsd":50},{"name":"session_context","description":"Multi-turn conversation with context","costEstimateMicroUsd":100},{"name":"structured_analysis","description":"Structured JSON analysis output","costEstimateMicroUsd":150}],"rateLimits":{"requestsPerMinute":30,"requestsPerDay":1000},"pricing":{"baseCostMicroUsd":10,"perTokenMicroUsd":3}}""",
            await response.Content.ReadAsStringAsync());
        // The header names the JWT caller's tier; the model pool is the TBA owner's.
        Assert.Equal("architect", response.Headers.GetValues("X-Conviction-Tier").Single());
    }

    [Theory]
    [InlineData("[]", "Invalid request body")]
    [InlineData("not json", "Invalid request body")]
    [InlineData("{}", "query field required")]
    [InlineData("""{"query":""}""", "query field required")]
    [InlineData("""{"query":5}""", "query field required")]
    [InlineData("""{"query":"q","maxTokens":0}""", "maxTokens must be an integer between 1 and 4096")]
    [InlineData("""{"query":"q","maxTokens":4097}""", "maxTokens must be an integer between 1 and 4096")]
    [InlineData("""{"query":"q","maxTokens":1.5}""", "maxTokens must be an integer between 1 and 4096")]
    [InlineData("""{"query":"q","sessionId":"a b"}""", "Invalid sessionId format")]
    [InlineData("""{"query":"q","format":"xml"}""", "format must be one of: text, json, structured")]
    [InlineData("""{"query":"q","maxCostMicroUsd":-1}""", "maxCostMicroUsd must be a non-negative integer")]
    [InlineData("""{"query":"q","maxCostMicroUsd":"5"}""", "maxCostMicroUsd must be a non-negative integer")]
    public async Task Query_validation_messages(string body, string message)
    {
        var agent = await Agents.Emulator.ArchitectAgentAsync();
        using var response = await QueryAsync(agent, body);
        await ErrorAssert.IsErrorAsync(response, HttpStatusCode.BadRequest, "invalid_request", message);
    }

    [Fact]
    public async Task Query_length_limits()
    {
        var agent = await Agents.Emulator.ArchitectAgentAsync();
        using var longQuery = await QueryAsync(agent, JsonSerializer.Serialize(new { query = new string('q', 10_001) }));
        await ErrorAssert.IsErrorAsync(longQuery, HttpStatusCode.BadRequest, "invalid_request", "query exceeds maximum length of 10000 characters");
        using var longDomain = await QueryAsync(agent, JsonSerializer.Serialize(new { query = "q", knowledgeDomain = new string('d', 101) }));
        await ErrorAssert.IsErrorAsync(longDomain, HttpStatusCode.BadRequest, "invalid_request", "knowledgeDomain exceeds maximum length of 100 characters");
    }

    [Fact]
    public async Task Budget_preflight_boundary()
    {
        var agent = await Agents.Emulator.ArchitectAgentAsync();
        using var denied = await QueryAsync(agent, """{"query":"Tell me about BGT.","maxCostMicroUsd":6599}""");
        await ErrorAssert.IsErrorAsync(denied, HttpStatusCode.PaymentRequired, "budget_exceeded", "Estimated cost 6600\u03bcUSD exceeds max 6599\u03bcUSD");
        using var exact = await QueryAsync(agent, """{"query":"Tell me about BGT.","maxCostMicroUsd":6600}""");
        Assert.Equal(HttpStatusCode.OK, exact.StatusCode);
        using var zero = await QueryAsync(agent, """{"query":"Tell me about BGT.","maxCostMicroUsd":0}""");
        Assert.Equal(HttpStatusCode.OK, zero.StatusCode);
    }

    [Fact]
    public async Task Query_success_contract()
    {
        var agent = await Agents.Emulator.ArchitectAgentAsync();
        using var response = await QueryAsync(agent, """{"query":"Tell me about BGT.","sessionId":"abc","maxTokens":100,"knowledgeDomain":"defi","format":"json"}""");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("Emulated reply [fe86818e8fb25343]: Tell me about BGT.", body.GetProperty("response").GetString());
        Assert.Equal("json", body.GetProperty("format").GetString());
        Assert.Equal("abc", body.GetProperty("sessionId").GetString());
        Assert.Equal("""{"id":"src-fe86818e","title":"Emulated source","relevance":0.9}""", body.GetProperty("sources")[0].GetRawText());
        Assert.Equal("""{"modelUsed":"claude-sonnet-4-6","inputTokens":5,"outputTokens":14,"costMicroUsd":225}""", body.GetProperty("cost").GetRawText());
        var receipt = body.GetProperty("receipt");
        Assert.Matches(new Regex(@"^rcpt-\d{13}-[0-9a-z]{6}$"), receipt.GetProperty("receiptId").GetString()!);
        Assert.Equal(agent.Tba, receipt.GetProperty("payer").GetString());
        Assert.Equal("dixie-oracle", receipt.GetProperty("payee").GetString());
        Assert.Equal(225, receipt.GetProperty("amountMicroUsd").GetInt64());
        Assert.False(receipt.TryGetProperty("transactionHash", out _));
        Assert.Equal("225", response.Headers.GetValues("X-Cost-Micro-USD").Single());
        Assert.Equal("claude-sonnet-4-6", response.Headers.GetValues("X-Model-Used").Single());
        Assert.Equal(receipt.GetProperty("receiptId").GetString(), response.Headers.GetValues("X-Receipt-Id").Single());
        Assert.False(response.Headers.Contains("X-Budget-Warning"));

        var sent = (await Agents.Emulator.Admin.RequestsAsync("/api/chat"))
            .Select(r => JsonDocument.Parse(r.GetProperty("body").GetString()!).RootElement)
            .Last(b => b.GetProperty("agentTba").GetString() == agent.Tba);
        Assert.Equal($$"""{"message":"Tell me about BGT.","agentTba":"{{agent.Tba}}","format":"json","maxTokens":100,"knowledgeDomain":"defi","sessionId":"abc"}""", sent.GetRawText());
    }

    [Fact]
    public async Task Budget_warning_header_is_ascii_and_request_succeeds()
    {
        var agent = await Agents.Emulator.ArchitectAgentAsync();
        var query = new string('x', 9000);
        using var response = await QueryAsync(agent, JsonSerializer.Serialize(new { query, maxCostMicroUsd = 6600 }));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var cost = response.Headers.GetValues("X-Cost-Micro-USD").Single();
        Assert.Equal($"Actual cost {cost}uUSD exceeded max 6600uUSD", response.Headers.GetValues("X-Budget-Warning").Single());
        Assert.True(long.Parse(cost, System.Globalization.CultureInfo.InvariantCulture) > 6600);
    }

    [Theory]
    [InlineData("/api/agent/self-knowledge", "GET")]
    [InlineData("/api/agent/knowledge/priorities", "GET")]
    [InlineData("/api/agent/knowledge/priorities/vote", "POST")]
    [InlineData("/api/agent/schedule", "POST")]
    public async Task Out_of_scope_agent_routes_are_404(string path, string method)
    {
        var agent = await Agents.Emulator.ArchitectAgentAsync();
        using var response = await Agents.Client.SendAsync(agent.Request(new HttpMethod(method), path, body: method == "POST" ? new { } : null));
        await ErrorAssert.IsErrorAsync(response, HttpStatusCode.NotFound, "not_found");
    }
}
