using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Dixie.Smoke;

/// <summary>smoke-reputation: unknown agents score null, an ingested event changes the score, the population needs the admin key.</summary>
public sealed class ReputationSmokeTests
{
    [Fact]
    public async Task Unknown_agent_scores_null()
    {
        using var client = SmokeTarget.CreateClient();
        Assert.Null(await ReputationSmoke.ScoreAsync(client, ReputationSmoke.NewAgent()));
    }

    [Fact]
    public async Task An_ingested_event_changes_the_score()
    {
        using var admin = ReputationSmoke.AdminClient();
        var agent = ReputationSmoke.NewAgent();
        await ReputationSmoke.IngestAsync(admin, agent, 0.9);
        var first = await ReputationSmoke.ScoreAsync(admin, agent);
        Assert.NotNull(first);
        await ReputationSmoke.IngestAsync(admin, agent, 0.1);
        // Another instance may serve its cached value for up to 5 s (spec 06 §9).
        var deadline = DateTime.UtcNow.AddSeconds(7);
        double? second;
        while ((second = await ReputationSmoke.ScoreAsync(admin, agent)) == first && DateTime.UtcNow < deadline) await Task.Delay(250);
        Assert.NotEqual(first, second);
    }

    [Fact]
    public async Task Population_needs_the_admin_key()
    {
        using var anonymous = SmokeTarget.CreateClient();
        using var missing = await anonymous.GetAsync("/api/reputation/population");
        Assert.Equal(HttpStatusCode.Unauthorized, missing.StatusCode);
        using var admin = ReputationSmoke.AdminClient();
        using var ok = await admin.GetAsync("/api/reputation/population");
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        using var body = JsonDocument.Parse(await ok.Content.ReadAsStringAsync());
        Assert.True(body.RootElement.GetProperty("population_size").GetInt64() >= 0);
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ServiceRestartCollection
{
    public const string Name = "service restart";
}

/// <summary>smoke-reputation: the score survives a restart. Runs alone, since it takes the service down.</summary>
[Collection(ServiceRestartCollection.Name)]
public sealed class ReputationRestartSmokeTests
{
    [Fact]
    public async Task The_score_survives_a_service_restart()
    {
        Assert.False(SmokeTarget.RestartCommand is null, "DIXIE_SMOKE_RESTART_CMD is required for the persistence check");
        using var admin = ReputationSmoke.AdminClient();
        var agent = ReputationSmoke.NewAgent();
        await ReputationSmoke.IngestAsync(admin, agent, 0.7);
        var before = await ReputationSmoke.ScoreAsync(admin, agent);
        Assert.NotNull(before);

        using (var restart = Process.Start(new ProcessStartInfo("bash", ["-c", SmokeTarget.RestartCommand!]))!)
        {
            await restart.WaitForExitAsync();
            Assert.Equal(0, restart.ExitCode);
        }
        using var client = SmokeTarget.CreateClient();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            try
            {
                using var ready = await client.GetAsync("/healthz/ready");
                if (ready.IsSuccessStatusCode) break;
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline)
            {
            }
            Assert.True(DateTime.UtcNow < deadline, "the service did not become ready after the restart");
            await Task.Delay(500);
        }
        Assert.Equal(before, await ReputationSmoke.ScoreAsync(client, agent));
    }
}

internal static class ReputationSmoke
{
    public static string NewAgent() => "smoke-" + Guid.NewGuid().ToString("N")[..20];

    public static HttpClient AdminClient()
    {
        Assert.False(SmokeTarget.AdminKey is null, "DIXIE_ADMIN_KEY is required for smoke-reputation");
        var client = SmokeTarget.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", SmokeTarget.AdminKey);
        return client;
    }

    public static async Task IngestAsync(HttpClient admin, string agent, double score)
    {
        var ev = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["type"] = "quality_signal",
            ["event_id"] = Guid.NewGuid().ToString(),
            ["agent_id"] = agent,
            ["collection_id"] = "smoke",
            ["timestamp"] = DateTime.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture),
            ["score"] = score,
        });
        using var response = await admin.PostAsync("/api/reputation/events", new StringContent(ev, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    /// <summary>`/query` is public and cached for up to 5 s per instance; a write on this instance invalidates it.</summary>
    public static async Task<double?> ScoreAsync(HttpClient client, string agent)
    {
        using var response = await client.GetAsync($"/api/reputation/query?routingKey=nft:{agent}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var score = body.RootElement.GetProperty("score");
        return score.ValueKind == JsonValueKind.Null ? null : score.GetDouble();
    }
}
