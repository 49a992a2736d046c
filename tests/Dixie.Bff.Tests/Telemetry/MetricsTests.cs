using System.Net;
using System.Text.RegularExpressions;
using Dixie.Bff.Tests.Http;
using Dixie.Bff.Tests.Support;

namespace Dixie.Bff.Tests.Telemetry;

public sealed partial class MetricsTests(PipelineHostFixture fixture) : IClassFixture<PipelineHostFixture>
{
    // name{labels} value [timestamp] — the Prometheus text exposition format.
    [GeneratedRegex(@"\A[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*=""([^""\\]|\\.)*"",?)*\})? (-?[0-9.eE+\-]+|NaN|\+Inf|-Inf)( -?\d+)?\z")]
    private static partial Regex Sample();

    [Fact]
    public async Task Metrics_endpoint_serves_prometheus_text_with_http_breaker_and_outbox_instruments()
    {
        await fixture.Host.Client.GetAsync("/");
        await fixture.Host.Client.GetAsync("/api/health");
        string text = "";
        for (var i = 0; i < 50 && !(text.Contains("http_server_request_duration_seconds_count", StringComparison.Ordinal) && text.Contains("dixie_outbox_pending", StringComparison.Ordinal)); i++)
        {
            text = await fixture.Host.Client.GetStringAsync("/metrics");
            await Task.Delay(100);
        }
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.StartsWith('#')) continue;
            Assert.Matches(Sample(), line);
        }
        Assert.Contains("http_server_request_duration_seconds_bucket{", text, StringComparison.Ordinal);
        Assert.Contains("http_route=\"/api/health\"", text, StringComparison.Ordinal);
        Assert.Contains("dixie_finn_circuit_state{", text, StringComparison.Ordinal);
        Assert.Matches(@"dixie_finn_circuit_state\{[^}]*state=""closed""[^}]*\} 1", text);
        Assert.Matches(@"(?m)^dixie_outbox_pending(\{[^}]*\})? \d", text);
        Assert.Matches(@"(?m)^dixie_outbox_lag_seconds(\{[^}]*\})? [0-9.]", text);
        // One series per NATS state of spec 10 §1; exactly the current one reads 1.
        var nats = System.Text.RegularExpressions.Regex.Matches(text, @"(?m)^dixie_nats_connection_state\{[^}]*state=""(\w+)""[^}]*\} (\d)")
            .Select(m => (State: m.Groups[1].Value, Value: m.Groups[2].Value)).ToList();
        Assert.Equal(["connected", "connecting", "disconnected", "not_configured", "ready"], nats.Select(n => n.State).Order());
        Assert.Single(nats, n => n.Value == "1");
        Assert.DoesNotContain("0xf39f", text, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Metrics_are_404_json_when_disabled()
    {
        await using var host = await DixieHost.StartAsync(new DixieHostOptions { Environment = { ["DIXIE_METRICS_ENABLED"] = "false" } });
        await ErrorAssert.IsErrorAsync(await host.Client.GetAsync("/metrics"), HttpStatusCode.NotFound, "not_found");
    }
}
