using System.Diagnostics;
using System.Text.Json;
using Dixie.Bff.Infrastructure.Finn;
using Dixie.Bff.Tests.Http;
using Dixie.Bff.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Dixie.Bff.Tests.Telemetry;

public sealed class TracingTests
{
    private const string Wallet = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";

    [Fact]
    public async Task Request_span_is_named_and_carries_only_allowlisted_attributes()
    {
        var spans = new List<Activity>();
        await using var host = await DixieHost.StartAsync(new DixieHostOptions { ExportedSpans = spans, MapExtra = PipelineHostFixture.MapTestEndpoints, ApiKey = TestEnvironment.NewApiKey() });
        var traceId = ActivityTraceId.CreateRandom().ToHexString();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/test/headers?wallet={Wallet}&ticket=secret-ticket");
        request.Headers.Add("traceparent", $"00-{traceId}-00f067aa0ba902b7-01");
        var response = await host.Client.SendAsync(request);
        Assert.Equal(traceId, response.Headers.GetValues("x-trace-id").Single());

        var span = await WaitForSpanAsync(spans, traceId, "dixie.request");
        Assert.Equal(ActivityKind.Server, span.Kind);
        var allowed = new HashSet<string>
        {
            "method", "url", "status_code", "duration_ms", "http.request.method", "http.request.method_original", "http.route",
            "http.response.status_code", "url.scheme", "url.path", "server.address", "server.port", "network.protocol.version", "error.type",
        };
        Assert.All(span.TagObjects, tag => Assert.Contains(tag.Key, allowed));
        Assert.Equal("GET", span.GetTagItem("method"));
        Assert.Equal("/api/test/headers", span.GetTagItem("url"));
        Assert.Equal(200, span.GetTagItem("status_code"));
        Assert.Null(span.GetTagItem("url.query"));
        Assert.Null(span.GetTagItem("client.address"));
        Assert.Null(span.GetTagItem("user_agent.original"));
        var everything = string.Join(' ', LockedSpanExporter.Snapshot(spans).Where(s => s.TraceId.ToHexString() == traceId).SelectMany(s => s.TagObjects).Select(t => $"{t.Key}={t.Value}"));
        Assert.DoesNotContain("secret-ticket", everything, StringComparison.Ordinal);
        Assert.DoesNotContain(Wallet[2..], everything, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Exception_text_is_recorded_redacted()
    {
        var spans = new List<Activity>();
        await using var host = await DixieHost.StartAsync(new DixieHostOptions { ExportedSpans = spans, MapExtra = PipelineHostFixture.MapTestEndpoints, ApiKey = TestEnvironment.NewApiKey() });
        var traceId = ActivityTraceId.CreateRandom().ToHexString();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/test/throw");
        request.Headers.Add("traceparent", $"00-{traceId}-00f067aa0ba902b7-01");
        await host.Client.SendAsync(request);
        var span = await WaitForSpanAsync(spans, traceId, "dixie.request");
        Assert.Equal(ActivityStatusCode.Error, span.Status);
        Assert.Contains("0x[REDACTED]", span.StatusDescription, StringComparison.Ordinal);
        var exception = Assert.Single(span.Events, e => e.Name == "exception");
        Assert.Contains("0x[REDACTED]", (string)exception.Tags.First(t => t.Key == "exception.message").Value!, StringComparison.Ordinal);
        Assert.DoesNotContain(Wallet[2..], (string)exception.Tags.First(t => t.Key == "exception.stacktrace").Value!, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Incoming_traceparent_is_continued_and_forwarded_to_finn()
    {
        var spans = new List<Activity>();
        await using var emulator = await TestEmulator.StartAsync();
        await using var host = await DixieHost.StartAsync(new DixieHostOptions
        {
            FinnUrl = emulator.BaseUrl,
            ExportedSpans = spans,
            ApiKey = TestEnvironment.NewApiKey(),
            MapExtra = app => app.MapPost("/api/test/finn", async (HttpContext context, FinnClient finn) =>
            {
                var created = await finn.CreateSessionAsync(new { agentId = "oracle" }, new FinnCallContext(context.TraceIdentifier), context.RequestAborted);
                return TypedResults.Ok(new { created.Value!.SessionId });
            }),
        });
        var traceId = ActivityTraceId.CreateRandom().ToHexString();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/test/finn");
        request.Headers.Add("traceparent", $"00-{traceId}-00f067aa0ba902b7-01");
        var response = await host.Client.SendAsync(request);
        response.EnsureSuccessStatusCode();
        Assert.Equal(traceId, response.Headers.GetValues("x-trace-id").Single());

        var recorded = await emulator.Admin.RequestsAsync("/api/sessions");
        var headers = recorded[^1].GetProperty("headers");
        var forwarded = headers.GetProperty("traceparent").GetString()!;
        Assert.StartsWith($"00-{traceId}-", forwarded, StringComparison.Ordinal);
        Assert.Equal(response.Headers.GetValues("X-Request-Id").Single(), headers.GetProperty("x-request-id").GetString());

        // dixie.request → {dixie.auth, dixie.finn.inference → the HttpClient span whose id finn received as parent}.
        // (The in-process emulator's own server span shares the trace; ours is the caller's child.)
        var server = await WaitForSpanAsync(spans, traceId, "dixie.request", parent: "00f067aa0ba902b7");
        var auth = await WaitForSpanAsync(spans, traceId, "dixie.auth");
        Assert.Equal(server.SpanId, auth.ParentSpanId);
        Assert.Equal("api_key", auth.GetTagItem("auth_type"));
        var inference = await WaitForSpanAsync(spans, traceId, "dixie.finn.inference");
        Assert.Equal(server.SpanId, inference.ParentSpanId);
        Assert.True(auth.StartTimeUtc + auth.Duration <= inference.StartTimeUtc, "dixie.auth ends before the handler calls finn");
        var client = LockedSpanExporter.Snapshot(spans).Single(s => s.TraceId.ToHexString() == traceId && s.Kind == ActivityKind.Client);
        Assert.Equal(inference.SpanId, client.ParentSpanId);
        Assert.Equal(client.SpanId.ToHexString(), forwarded.Split('-')[2]);
        Assert.All(inference.TagObjects, tag => Assert.Contains(tag.Key, new[] { "model", "tokens", "latency_ms", "circuit_state" }));
        Assert.Equal("closed", inference.GetTagItem("circuit_state"));
    }

    [Fact]
    public async Task Inference_span_names_the_model_finn_reports_never_the_path()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var spans = new List<Activity>();
        await using var host = await DixieHost.StartAsync(new DixieHostOptions
        {
            FinnUrl = emulator.BaseUrl,
            ExportedSpans = spans,
            ApiKey = TestEnvironment.NewApiKey(),
            MapExtra = app => app.MapPost("/api/test/finn-detail", async (HttpContext context, FinnClient finn) =>
            {
                var caller = new FinnCallContext(context.TraceIdentifier);
                var created = await finn.CreateSessionAsync(new { agentId = "oracle" }, caller, context.RequestAborted);
                await finn.GetSessionAsync(created.Value!.SessionId, caller, context.RequestAborted);
                return TypedResults.NoContent();
            }),
        });
        var traceId = ActivityTraceId.CreateRandom().ToHexString();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/test/finn-detail");
        request.Headers.Add("traceparent", $"00-{traceId}-00f067aa0ba902b7-01");
        (await host.Client.SendAsync(request)).EnsureSuccessStatusCode();

        await Eventually.TrueAsync(() => LockedSpanExporter.Snapshot(spans).Count(s => s.TraceId.ToHexString() == traceId && s.DisplayName == "dixie.finn.inference") == 2,
            what: "two inference spans");
        var inference = LockedSpanExporter.Snapshot(spans).Where(s => s.TraceId.ToHexString() == traceId && s.DisplayName == "dixie.finn.inference").ToList();
        // Session creation reports no model; the session detail's `state.model` is the emulator's model id.
        Assert.Single(inference, s => s.GetTagItem("model") is null);
        Assert.Single(inference, s => (string?)s.GetTagItem("model") == "finn-emulator");
    }

    private static async Task<Activity> WaitForSpanAsync(List<Activity> spans, string traceId, string name, string? parent = null)
    {
        for (var i = 0; i < 100; i++)
        {
            lock (spans)
            {
                var found = spans.FirstOrDefault(s => s.TraceId.ToHexString() == traceId && s.DisplayName == name
                    && (parent is null || s.ParentSpanId.ToHexString() == parent));
                if (found is not null) return found;
            }
            await Task.Delay(20);
        }
        throw new Xunit.Sdk.XunitException($"no {name} span for trace {traceId}");
    }
}
