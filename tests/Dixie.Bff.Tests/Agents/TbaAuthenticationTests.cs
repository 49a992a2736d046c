using System.Globalization;
using System.Net;
using Dixie.Bff.Tests.Support;

namespace Dixie.Bff.Tests.Agents;

[Trait("Category", "Security")]
public sealed class TbaAuthenticationTests(AgentApiFixture fixture) : IClassFixture<AgentApiFixture>
{
    private AgentHost Agents => fixture.Agents;
    private const string VerifyCounter = "POST /api/auth/verify-tba";

    [Fact]
    public async Task Agent_routes_require_allowlist_before_tba()
    {
        var agent = await Agents.Emulator.ArchitectAgentAsync();
        using var response = await Agents.Host.Client.SendAsync(agent.Request(HttpMethod.Get, "/api/agent/capabilities"));
        await ErrorAssert.IsErrorAsync(response, HttpStatusCode.Unauthorized, "unauthorized", "Authentication required");
    }

    [Theory]
    [InlineData("x-tba-address", "x-tba-address header required for agent API")]
    [InlineData("x-tba-signature", "x-tba-signature header required for agent API")]
    [InlineData("x-tba-timestamp", "x-tba-timestamp header required for agent API")]
    public async Task Each_missing_tba_header_has_its_own_message(string missing, string message)
    {
        var agent = await Agents.Emulator.ArchitectAgentAsync();
        using var request = agent.Request(HttpMethod.Get, "/api/agent/capabilities");
        request.Headers.Remove(missing);
        using var response = await Agents.Client.SendAsync(request);
        await ErrorAssert.IsErrorAsync(response, HttpStatusCode.Unauthorized, "unauthorized", message);
    }

    [Theory]
    [InlineData(300, HttpStatusCode.OK)]
    [InlineData(-300, HttpStatusCode.OK)]
    [InlineData(301, HttpStatusCode.Unauthorized)]
    [InlineData(-301, HttpStatusCode.Unauthorized)]
    public async Task Timestamp_window_is_inclusive_300_seconds(int offset, HttpStatusCode expected)
    {
        var agent = await Agents.Emulator.ArchitectAgentAsync();
        // One second of slack for the clock moving between signing and checking, on the side that keeps the case honest.
        var slack = expected == HttpStatusCode.OK ? (offset > 0 ? -1 : 1) : 0;
        var ts = (DateTimeOffset.UtcNow.ToUnixTimeSeconds() + offset + slack).ToString(CultureInfo.InvariantCulture);
        using var response = await Agents.Client.SendAsync(agent.Request(HttpMethod.Get, "/api/agent/capabilities", ts));
        if (expected == HttpStatusCode.OK) Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        else await ErrorAssert.IsErrorAsync(response, expected, "unauthorized", "TBA timestamp expired or invalid (max 5 minutes)");
    }

    [Theory]
    [InlineData("12a")]
    [InlineData(" ")]
    [InlineData("1234567890123")]
    public async Task Malformed_timestamp_is_401(string timestamp)
    {
        var agent = await Agents.Emulator.ArchitectAgentAsync();
        using var request = agent.Request(HttpMethod.Get, "/api/agent/capabilities");
        request.Headers.Remove("x-tba-timestamp");
        request.Headers.TryAddWithoutValidation("x-tba-timestamp", timestamp);
        using var response = await Agents.Client.SendAsync(request);
        await ErrorAssert.IsErrorAsync(response, HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Fact]
    public async Task Malformed_address_and_signature_are_401()
    {
        var agent = await Agents.Emulator.ArchitectAgentAsync();
        using var badAddress = agent.Request(HttpMethod.Get, "/api/agent/capabilities");
        badAddress.Headers.Remove("x-tba-address");
        badAddress.Headers.Add("x-tba-address", "0x1234");
        await ErrorAssert.IsErrorAsync(await Agents.Client.SendAsync(badAddress), HttpStatusCode.Unauthorized, "unauthorized", "Invalid TBA address");

        using var badSignature = agent.Request(HttpMethod.Get, "/api/agent/capabilities");
        badSignature.Headers.Remove("x-tba-signature");
        badSignature.Headers.Add("x-tba-signature", "0x" + new string('z', 130));
        await ErrorAssert.IsErrorAsync(await Agents.Client.SendAsync(badSignature), HttpStatusCode.Unauthorized, "unauthorized", "Invalid TBA signature");
    }

    [Fact]
    public async Task Invalid_signature_is_401()
    {
        var agent = await Agents.Emulator.ArchitectAgentAsync();
        var impostor = TestAgent.New() with { Tba = agent.Tba };
        await Agents.Emulator.RegisterTbaAsync(agent.Tba, agent.Owner.Address);
        using var response = await Agents.Client.SendAsync(impostor.Request(HttpMethod.Get, "/api/agent/capabilities"));
        await ErrorAssert.IsErrorAsync(response, HttpStatusCode.Unauthorized, "unauthorized", "Invalid TBA signature");
    }

    [Fact]
    public async Task Signed_message_is_exact()
    {
        var agent = await Agents.Emulator.ArchitectAgentAsync();
        var lower = agent with { Tba = agent.Tba.ToLowerInvariant() };
        var ts = TestAgent.Now();
        using var response = await Agents.Client.SendAsync(lower.Request(HttpMethod.Get, "/api/agent/capabilities", ts));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var sent = (await Agents.Emulator.Admin.RequestsAsync("/api/auth/verify-tba"))
            .Select(r => System.Text.Json.JsonDocument.Parse(r.GetProperty("body").GetString()!).RootElement)
            .Last(b => b.GetProperty("tbaAddress").GetString() == lower.Tba);
        Assert.Equal($"dixie-agent-auth:{lower.Tba}:{ts}", sent.GetProperty("message").GetString());
    }

    [Fact]
    public async Task Identical_triple_is_verified_once_within_window()
    {
        var agent = await Agents.Emulator.ArchitectAgentAsync();
        var ts = TestAgent.Now();
        var before = await Agents.Emulator.Admin.CounterAsync(VerifyCounter);
        Assert.Equal(HttpStatusCode.OK, (await Agents.Client.SendAsync(agent.Request(HttpMethod.Get, "/api/agent/capabilities", ts))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Agents.Client.SendAsync(agent.Request(HttpMethod.Get, "/api/agent/capabilities", ts))).StatusCode);
        Assert.Equal(before + 1, await Agents.Emulator.Admin.CounterAsync(VerifyCounter));

        // Another signature for the same address and timestamp is verified again, and fails.
        var other = TestAgent.New() with { Tba = agent.Tba };
        await Agents.Emulator.RegisterTbaAsync(agent.Tba, agent.Owner.Address);
        using var forged = await Agents.Client.SendAsync(other.Request(HttpMethod.Get, "/api/agent/capabilities", ts));
        await ErrorAssert.IsErrorAsync(forged, HttpStatusCode.Unauthorized, "unauthorized", "Invalid TBA signature");
        Assert.Equal(before + 2, await Agents.Emulator.Admin.CounterAsync(VerifyCounter));
    }

    [Fact]
    public async Task Verification_for_other_tba_address_is_rejected()
    {
        var agent = await Agents.Emulator.ArchitectAgentAsync();
        await Agents.Emulator.RegisterTbaAsync(agent.Tba, agent.Owner.Address, reportedTbaAddress: Allowlist.AllowlistTesting.NewWallet());
        using var response = await Agents.Client.SendAsync(agent.Request(HttpMethod.Get, "/api/agent/capabilities"));
        await ErrorAssert.IsErrorAsync(response, HttpStatusCode.Unauthorized, "unauthorized", "Invalid TBA signature");
    }

    [Theory]
    [InlineData(null, "observer")]
    [InlineData(5, "participant")]
    [InlineData(150, "builder")]
    public async Task Owner_below_architect_gets_the_conviction_denial(int? staked, string tier)
    {
        var agent = TestAgent.New();
        if (staked is { } s) await Agents.Emulator.SetStakingAsync(agent.Owner.Address, s);
        using var response = await Agents.Client.SendAsync(agent.Request(HttpMethod.Post, "/api/agent/query", body: new { query = "hi" }));
        var body = await ErrorAssert.IsErrorAsync(response, HttpStatusCode.Forbidden, "forbidden", "Architect conviction tier or higher required for agent API");
        Assert.Equal(tier, body.GetProperty("actual_tier").GetString());
        Assert.Equal("architect", body.GetProperty("required_tier").GetString());
    }

    [Fact]
    public async Task Client_agent_headers_are_ignored()
    {
        var agent = TestAgent.New();
        using var request = agent.Request(HttpMethod.Get, "/api/agent/capabilities");
        request.Headers.Add("x-agent-owner", Agents.CallerWallet);
        request.Headers.Add("x-conviction-tier", "sovereign");
        using var response = await Agents.Client.SendAsync(request);
        var body = await ErrorAssert.IsErrorAsync(response, HttpStatusCode.Forbidden, "forbidden", "Architect conviction tier or higher required");
        Assert.Equal("observer", body.GetProperty("actual_tier").GetString());
    }
}
