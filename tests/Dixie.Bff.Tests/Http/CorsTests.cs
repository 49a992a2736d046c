using System.Net;
using Dixie.Bff.Tests.Support;

namespace Dixie.Bff.Tests.Http;

[Trait("Category", "Security")]
public sealed class CorsTests(PipelineHostFixture fixture) : IClassFixture<PipelineHostFixture>
{
    private HttpClient Client => fixture.Host.Client;

    [Fact]
    public async Task Allowed_origin_is_echoed_with_credentials()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/health");
        request.Headers.Add("Origin", "https://app.example.com");
        var response = await Client.SendAsync(request);
        Assert.Equal("https://app.example.com", response.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Equal("true", response.Headers.GetValues("Access-Control-Allow-Credentials").Single());
        Assert.Contains("Origin", response.Headers.Vary);
        var exposed = response.Headers.GetValues("Access-Control-Expose-Headers").SelectMany(v => v.Split(',')).Select(v => v.Trim()).ToHashSet(StringComparer.OrdinalIgnoreCase);
        Assert.True(exposed.SetEquals(["X-Request-Id", "X-Response-Time", "x-trace-id", "Retry-After", "X-RateLimit-Limit",
            "X-RateLimit-Remaining", "RateLimit-Policy", "RateLimit", "X-Conviction-Tier", "X-Session-Id"]));
    }

    [Fact]
    public async Task Disallowed_origin_gets_no_cors_headers_but_a_processed_response()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/health");
        request.Headers.Add("Origin", "https://evil.example.com");
        var response = await Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Theory]
    [InlineData("https://app.example.com", true)]
    [InlineData("https://evil.example.com", false)]
    public async Task Preflight_is_204_for_any_origin(string origin, bool allowed)
    {
        using var request = new HttpRequestMessage(HttpMethod.Options, "/api/chat");
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", "POST");
        request.Headers.Add("Access-Control-Request-Headers", "content-type,authorization,x-tba-signature");
        var response = await Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(allowed, response.Headers.Contains("Access-Control-Allow-Origin"));
        if (allowed)
        {
            Assert.Equal("3600", response.Headers.GetValues("Access-Control-Max-Age").Single());
            var methods = response.Headers.GetValues("Access-Control-Allow-Methods").SelectMany(v => v.Split(',')).Select(v => v.Trim());
            Assert.Contains("PATCH", methods);
        }
        Assert.True(response.Headers.Contains("x-trace-id"));
    }
}
