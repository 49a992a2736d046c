using System.Globalization;
using System.Net;
using System.Text.Json;

namespace Dixie.Smoke;

/// <summary>smoke-health: the service answers, reports its dependencies and carries trace ids.</summary>
public sealed class HealthSmokeTests
{
    [Fact]
    public async Task Health_reports_the_service_and_its_dependencies()
    {
        using var client = SmokeTarget.CreateClient();
        using var response = await client.GetAsync("/api/health");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Matches("^[0-9a-f]{32}$", Assert.Single(response.Headers.GetValues("x-trace-id")));
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = body.RootElement;
        Assert.Contains(root.GetProperty("status").GetString(), new[] { "healthy", "degraded" });
        Assert.False(string.IsNullOrEmpty(root.GetProperty("version").GetString()));
        Assert.True(root.GetProperty("uptime_seconds").GetInt64() >= 0);
        Assert.Equal("healthy", root.GetProperty("services").GetProperty("dixie").GetProperty("status").GetString());
        Assert.Contains(root.GetProperty("services").GetProperty("loa_finn").GetProperty("circuit_state").GetString(), new[] { "closed", "open", "half_open" });
        Assert.True(root.GetProperty("infrastructure").TryGetProperty("postgresql", out _));

        var timestamp = root.GetProperty("timestamp").GetString()!;
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$", timestamp);
        var parsed = DateTimeOffset.Parse(timestamp, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
        Assert.Equal(timestamp, parsed.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
    }
}
