using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Dixie.Smoke;

/// <summary>
/// smoke-fleet (spec 12 §4): the agent API needs TBA authentication; a spawn → status → stop round trip
/// with the configured demo agent (Hardhat #0 is allowlisted, so architect with 3 slots).
/// </summary>
public sealed class FleetSmokeTests
{
    [Fact]
    public async Task Agent_capabilities_need_tba_authentication()
    {
        using var anonymous = SmokeTarget.CreateClient();
        using var response = await anonymous.GetAsync("/api/agent/capabilities");
        Assert.True(response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden, $"got {(int)response.StatusCode}");

        using var signedIn = await SmokeSignIn.SignedInClientAsync();
        using var withoutTba = await signedIn.GetAsync("/api/agent/capabilities");
        Assert.True(withoutTba.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden, $"got {(int)withoutTba.StatusCode}");
    }

    [Fact]
    public async Task Spawn_status_stop_round_trip()
    {
        using var client = await SmokeSignIn.SignedInClientAsync();
        using var spawn = await client.PostAsJsonAsync("/api/fleet/spawn", new
        {
            description = $"demo:sleep=120 smoke round trip {Guid.NewGuid():N}",
            taskType = "docs",
            repository = "0xHoneyJar/loa-dixie",
        });
        var body = JsonDocument.Parse(await spawn.Content.ReadAsStringAsync()).RootElement;
        if (spawn.StatusCode == HttpStatusCode.ServiceUnavailable)
        {
            // A deployment without DIXIE_FLEET_AGENT_COMMAND: the round trip does not apply (make run configures scripts/demo-agent).
            Assert.Equal("runner_not_configured", body.GetProperty("error").GetString());
            return;
        }
        Assert.True(spawn.StatusCode == HttpStatusCode.Created, body.ToString());
        var id = body.GetProperty("taskId").GetGuid();
        Assert.Equal("running", body.GetProperty("status").GetString());

        using var status = await client.GetAsync("/api/fleet/status");
        Assert.Equal(HttpStatusCode.OK, status.StatusCode);
        var tasks = JsonDocument.Parse(await status.Content.ReadAsStringAsync()).RootElement.GetProperty("tasks");
        Assert.Contains(tasks.EnumerateArray(), task => task.GetProperty("id").GetGuid() == id);

        using var stop = await client.PostAsync($"/api/fleet/tasks/{id}/stop", null);
        Assert.Equal(HttpStatusCode.OK, stop.StatusCode);
        Assert.Equal("cancelled", JsonDocument.Parse(await stop.Content.ReadAsStringAsync()).RootElement.GetProperty("status").GetString());

        using var logs = await client.GetAsync($"/api/fleet/tasks/{id}/logs?lines=20");
        Assert.Equal(HttpStatusCode.OK, logs.StatusCode);
    }

    [Fact]
    public async Task Governance_endpoint_lists_the_fleet_governor_when_served()
    {
        if (SmokeTarget.AdminKey is not { } adminKey) return;
        using var client = SmokeTarget.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", adminKey);
        using var response = await client.GetAsync("/api/health/governance");
        // The governance endpoint is built on another branch; until it is served this deployment answers 404.
        if (response.StatusCode == HttpStatusCode.NotFound) return;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("\"fleet\"", await response.Content.ReadAsStringAsync());
    }
}
