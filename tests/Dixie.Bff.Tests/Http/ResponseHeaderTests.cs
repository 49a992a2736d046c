using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Dixie.Bff.Tests.Support;

namespace Dixie.Bff.Tests.Http;

public sealed partial class ResponseHeaderTests(PipelineHostFixture fixture) : IClassFixture<PipelineHostFixture>
{
    private HttpClient Client => fixture.Host.Client;

    [GeneratedRegex(@"\A[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}\z")]
    private static partial Regex UuidV4();

    [GeneratedRegex(@"\A00-([0-9a-f]{32})-([0-9a-f]{16})-(0[01])\z")]
    private static partial Regex TraceParent();

    [Fact]
    public async Task Valid_request_id_is_echoed()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.TryAddWithoutValidation("X-Request-Id", "abc.DEF_123:xyz-9");
        var response = await Client.SendAsync(request);
        Assert.Equal("abc.DEF_123:xyz-9", response.Headers.GetValues("X-Request-Id").Single());
    }

    [Theory]
    [InlineData("has space")]
    [InlineData("a,b")]
    [InlineData("")]
    [InlineData("bad/slash")]
    public async Task Invalid_request_id_is_replaced_by_a_uuid(string offered)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.TryAddWithoutValidation("X-Request-Id", offered);
        var response = await Client.SendAsync(request);
        Assert.Matches(UuidV4(), response.Headers.GetValues("X-Request-Id").Single());
    }

    [Fact]
    public async Task Request_id_of_129_characters_is_replaced()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.TryAddWithoutValidation("X-Request-Id", new string('a', 129));
        var response = await Client.SendAsync(request);
        Assert.Matches(UuidV4(), response.Headers.GetValues("X-Request-Id").Single());
    }

    [Theory]
    [InlineData("/", HttpStatusCode.OK, "01")]
    [InlineData("/no/such/route", HttpStatusCode.NotFound, "01")]
    [InlineData("/healthz/live", HttpStatusCode.OK, "00")]
    [InlineData("/api/test/throw", HttpStatusCode.InternalServerError, "01")]
    public async Task Trace_headers_are_real_and_match_the_log_line(string path, HttpStatusCode status, string flags)
    {
        var requestId = Guid.NewGuid().ToString("N");
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("X-Request-Id", requestId);
        var response = await Client.SendAsync(request);
        Assert.Equal(status, response.StatusCode);
        var match = TraceParent().Match(response.Headers.GetValues("traceparent").Single());
        Assert.True(match.Success);
        var traceId = match.Groups[1].Value;
        var spanId = match.Groups[2].Value;
        Assert.NotEqual(new string('0', 32), traceId);
        Assert.NotEqual(new string('0', 16), spanId);
        Assert.Equal(flags, match.Groups[3].Value);
        Assert.Equal(traceId, response.Headers.GetValues("x-trace-id").Single());
        Assert.Equal(spanId, response.Headers.GetValues("x-span-id").Single());
        var line = await WaitForRequestLineAsync(requestId);
        Assert.Equal(traceId, line.GetProperty("trace_id").GetString());
        Assert.Equal(spanId, line.GetProperty("span_id").GetString());
    }

    [Fact]
    public async Task Incoming_traceparent_keeps_its_trace_id()
    {
        const string traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.Add("traceparent", $"00-{traceId}-00f067aa0ba902b7-01");
        var response = await Client.SendAsync(request);
        Assert.Equal(traceId, response.Headers.GetValues("x-trace-id").Single());
        Assert.NotEqual("00f067aa0ba902b7", response.Headers.GetValues("x-span-id").Single());
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/no/such/route")]
    [InlineData("/healthz/live")]
    public async Task Security_headers_are_exact(string path)
    {
        var response = await Client.GetAsync(path);
        string Header(string name) => response.Headers.TryGetValues(name, out var v) ? string.Join(",", v)
            : response.Content.Headers.TryGetValues(name, out var c) ? string.Join(",", c) : "<missing>";
        Assert.Equal("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; connect-src 'self' wss:", Header("Content-Security-Policy"));
        Assert.Equal("max-age=31536000; includeSubDomains", Header("Strict-Transport-Security"));
        Assert.Equal("DENY", Header("X-Frame-Options"));
        Assert.Equal("strict-origin-when-cross-origin", Header("Referrer-Policy"));
        Assert.Equal("same-origin", Header("Cross-Origin-Resource-Policy"));
        Assert.Equal("same-origin", Header("Cross-Origin-Opener-Policy"));
        Assert.Equal("?1", Header("Origin-Agent-Cluster"));
        Assert.Equal("nosniff", Header("X-Content-Type-Options"));
        Assert.Equal("off", Header("X-DNS-Prefetch-Control"));
        Assert.Equal("noopen", Header("X-Download-Options"));
        Assert.Equal("none", Header("X-Permitted-Cross-Domain-Policies"));
        Assert.Equal("0", Header("X-XSS-Protection"));
        Assert.Equal("8.2.0", Header("X-Protocol-Version"));
        Assert.False(response.Headers.Contains("Server"));
        Assert.False(response.Headers.Contains("X-Powered-By"));
        Assert.Matches(@"\A\d+ms\z", Header("X-Response-Time"));
    }

    [Fact]
    public async Task Api_responses_are_not_cached_and_vary_by_origin()
    {
        var response = await Client.GetAsync("/api/health");
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        Assert.Contains("Origin", response.Headers.Vary);
    }

    [Fact]
    public async Task Identity_headers_are_stripped_on_ingress()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/test/headers");
        foreach (var name in new[] { "X-Wallet-Address", "x-conviction-tier", "x-agent-owner", "x-operator-id", "x-memory-x", "x-model-pool", "x-fleet-admin" })
            request.Headers.TryAddWithoutValidation(name, "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266");
        request.Headers.TryAddWithoutValidation("x-custom", "kept");
        var response = await Client.SendAsync(request);
        var names = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("names")
            .EnumerateArray().Select(e => e.GetString()).ToList();
        Assert.Contains("x-custom", names);
        Assert.DoesNotContain(names, n => n!.StartsWith("x-wallet", StringComparison.Ordinal) || n.StartsWith("x-conviction-", StringComparison.Ordinal)
            || n.StartsWith("x-agent-", StringComparison.Ordinal) || n.StartsWith("x-operator-", StringComparison.Ordinal)
            || n.StartsWith("x-memory-", StringComparison.Ordinal) || n is "x-model-pool" or "x-fleet-admin");
    }

    [Fact]
    public async Task Request_log_line_has_every_field()
    {
        var requestId = Guid.NewGuid().ToString("N");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/health?ticket=secret-ticket");
        request.Headers.Add("X-Request-Id", requestId);
        await Client.SendAsync(request);
        var line = await WaitForRequestLineAsync(requestId);
        var names = line.EnumerateObject().Select(p => p.Name).ToList();
        Assert.Equal(["timestamp", "level", "service", "event", "category", "message", "request_id", "trace_id", "span_id",
            "method", "path", "route", "status", "latency_ms", "auth", "api_key_id"], names);
        Assert.Matches(@"\A\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\z", line.GetProperty("timestamp").GetString()!);
        Assert.Equal("debug", line.GetProperty("level").GetString());
        Assert.Equal("dixie-bff", line.GetProperty("service").GetString());
        Assert.Equal("/api/health", line.GetProperty("path").GetString());
        Assert.Equal("/api/health", line.GetProperty("route").GetString());
        Assert.Equal(200, line.GetProperty("status").GetInt32());
        Assert.Equal(JsonValueKind.Number, line.GetProperty("latency_ms").ValueKind);
        Assert.Equal("api_key", line.GetProperty("auth").GetString());
        Assert.Equal(fixture.ApiKey[..12], line.GetProperty("api_key_id").GetString());
        Assert.DoesNotContain("secret-ticket", fixture.Host.Logs.AllText, StringComparison.Ordinal);
        Assert.DoesNotContain(fixture.ApiKey, fixture.Host.Logs.AllText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Client_errors_log_at_warn_without_a_route()
    {
        var requestId = Guid.NewGuid().ToString("N");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/nowhere");
        request.Headers.Add("X-Request-Id", requestId);
        await Client.SendAsync(request);
        var line = await WaitForRequestLineAsync(requestId);
        Assert.Equal("warn", line.GetProperty("level").GetString());
        Assert.False(line.TryGetProperty("route", out _));
        Assert.Equal(404, line.GetProperty("status").GetInt32());
    }

    // The line is written when the response has completed, which can trail the client by a moment.
    private async Task<JsonElement> WaitForRequestLineAsync(string requestId) =>
        (await fixture.Host.Logs.WaitForAsync("http_request", e => e.String("request_id") == requestId, TimeSpan.FromSeconds(2))).Json;
}
