using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Dixie.Smoke;

/// <summary>smoke-governance: governor health behind the admin key, and its summary in `/api/health`.</summary>
public sealed class GovernanceSmokeTests
{
    [Fact]
    public async Task Governance_health_lists_governors_with_the_admin_key()
    {
        var key = SmokeTarget.AdminKey;
        Assert.True(key is not null, "set DIXIE_ADMIN_KEY to the deployment's admin key for smoke-governance");
        using var client = SmokeTarget.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/health/governance");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = body.RootElement;
        var governors = root.GetProperty("governors").EnumerateArray().ToList();
        Assert.NotEmpty(governors);
        Assert.All(governors, g => Assert.False(string.IsNullOrEmpty(g.GetProperty("resourceType").GetString())));
        Assert.Contains(governors, g => g.GetProperty("resourceType").GetString() == "allowlist");
        Assert.Equal(governors.Count, root.GetProperty("totalResources").GetInt32());
        Assert.InRange(root.GetProperty("degradedResources").GetInt32(), 0, governors.Count);
    }

    [Fact]
    public async Task Governance_health_without_a_key_is_401()
    {
        using var client = SmokeTarget.CreateClient();
        using var response = await client.GetAsync("/api/health/governance");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("unauthorized", body.RootElement.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Health_carries_the_governance_summary()
    {
        using var client = SmokeTarget.CreateClient();
        using var body = JsonDocument.Parse(await client.GetStringAsync("/api/health"));
        var governance = body.RootElement.GetProperty("governance");
        var types = governance.GetProperty("resource_types").EnumerateArray().Select(t => t.GetString()).ToList();
        Assert.Equal(types.Count, governance.GetProperty("governor_count").GetInt32());
        Assert.Contains("allowlist", types);
        Assert.Contains(governance.GetProperty("health").GetString(), new[] { "healthy", "degraded" });
    }
}
