using System.Text.Json;

namespace Dixie.Bff.Tests.Agents;

public sealed class AgentOpenApiTests(AgentApiFixture fixture) : IClassFixture<AgentApiFixture>
{
    [Fact]
    public async Task OpenApi_documents_agent_headers_and_governance()
    {
        var document = JsonDocument.Parse(await fixture.Agents.Host.Client.GetStringAsync("/openapi/v1.json")).RootElement;
        var paths = document.GetProperty("paths");
        foreach (var (path, method) in new[] { ("/api/agent/capabilities", "get"), ("/api/agent/query", "post"), ("/api/agent/knowledge", "get") })
        {
            var parameters = paths.GetProperty(path).GetProperty(method).GetProperty("parameters").EnumerateArray()
                .Select(p => p.GetProperty("name").GetString()).ToList();
            Assert.Equal(["x-tba-address", "x-tba-timestamp", "x-tba-signature"], parameters);
        }
        Assert.True(paths.GetProperty("/api/health/governance").TryGetProperty("get", out _));
        Assert.False(paths.TryGetProperty("/api/agent/schedule", out _));
    }
}
