using System.Net;
using System.Reflection;
using System.Text.Json;
using Dixie.Bff.Tests.Http;
using Dixie.Bff.Tests.Support;

namespace Dixie.Bff.Tests.Health;

public sealed class HealthShapeTests(PipelineHostFixture fixture) : IClassFixture<PipelineHostFixture>
{
    private static readonly string Version = typeof(DixieApp).Assembly
        .GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion;

    [Fact]
    public async Task Banner_names_the_service_and_its_version()
    {
        var text = await fixture.Host.Client.GetStringAsync("/");
        Assert.Equal($"{{\"service\":\"dixie-bff\",\"status\":\"running\",\"version\":\"{Version}\"}}", text);
    }

    [Fact]
    public async Task Health_report_has_the_golden_shape()
    {
        var response = await fixture.Host.Client.GetAsync("/api/health");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(["status", "version", "uptime_seconds", "services", "infrastructure", "reputation_service", "governance", "timestamp"],
            body.EnumerateObject().Select(p => p.Name));
        Assert.Equal(Version, body.GetProperty("version").GetString());
        Assert.Equal(JsonValueKind.Number, body.GetProperty("uptime_seconds").ValueKind);
        Assert.Equal("healthy", body.GetProperty("services").GetProperty("dixie").GetProperty("status").GetString());
        var finn = body.GetProperty("services").GetProperty("loa_finn");
        Assert.Equal(["status", "latency_ms", "circuit_state"], finn.EnumerateObject().Select(p => p.Name));
        Assert.Equal("closed", finn.GetProperty("circuit_state").GetString());
        var infrastructure = body.GetProperty("infrastructure");
        Assert.Equal(["postgresql", "redis", "nats"], infrastructure.EnumerateObject().Select(p => p.Name));
        Assert.Equal(["status", "latency_ms"], infrastructure.GetProperty("postgresql").EnumerateObject().Select(p => p.Name));
        Assert.Equal("healthy", infrastructure.GetProperty("postgresql").GetProperty("status").GetString());
        var reputation = body.GetProperty("reputation_service");
        Assert.True(reputation.GetProperty("initialized").GetBoolean());
        Assert.Equal(0, reputation.GetProperty("aggregate_count").GetInt64());
        var governance = body.GetProperty("governance");
        Assert.Equal(["governor_count", "resource_types", "health"], governance.EnumerateObject().Select(p => p.Name));
        var timestamp = body.GetProperty("timestamp").GetString()!;
        Assert.Matches(@"\A\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\z", timestamp);
        Assert.Equal(timestamp, DateTimeOffset.Parse(timestamp, System.Globalization.CultureInfo.InvariantCulture)
            .UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task Unconfigured_redis_and_nats_are_not_configured_without_latency()
    {
        var body = JsonDocument.Parse(await fixture.Host.Client.GetStringAsync("/api/health")).RootElement;
        foreach (var name in new[] { "redis", "nats" })
        {
            var entry = body.GetProperty("infrastructure").GetProperty(name);
            Assert.Equal(["status"], entry.EnumerateObject().Select(p => p.Name));
            Assert.Equal("not_configured", entry.GetProperty("status").GetString());
        }
        Assert.Equal("healthy", body.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Head_is_answered_like_get()
    {
        using var request = new HttpRequestMessage(HttpMethod.Head, "/api/health");
        var response = await fixture.Host.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(response.Headers.Contains("x-trace-id"));
    }

    [Fact]
    public async Task Probes_answer_live_and_ready()
    {
        Assert.Equal("{\"status\":\"ok\"}", await fixture.Host.Client.GetStringAsync("/healthz/live"));
        Assert.Equal("{\"status\":\"ready\"}", await fixture.Host.Client.GetStringAsync("/healthz/ready"));
    }
}
