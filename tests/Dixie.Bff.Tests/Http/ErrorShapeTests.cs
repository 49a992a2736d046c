using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Dixie.Bff.Tests.Support;

namespace Dixie.Bff.Tests.Http;

[Trait("Category", "Security")]
public sealed class ErrorShapeTests(PipelineHostFixture fixture) : IClassFixture<PipelineHostFixture>
{
    private HttpClient Client => fixture.Host.Client;

    [Fact]
    public async Task Unknown_route_is_json_404_with_a_request_id()
    {
        var response = await Client.GetAsync("/no/such/route");
        await ErrorAssert.IsErrorAsync(response, HttpStatusCode.NotFound, "not_found", "Route not found");
        Assert.True(response.Headers.Contains("X-Request-Id"));
    }

    [Fact]
    public async Task Wrong_method_is_405_with_allow_header()
    {
        var response = await Client.DeleteAsync("/healthz/live");
        await ErrorAssert.IsErrorAsync(response, HttpStatusCode.MethodNotAllowed, "method_not_allowed", "Method not allowed");
        Assert.Contains("GET", response.Content.Headers.Allow);
        Assert.True(response.Headers.Contains("X-Request-Id"));
    }

    [Theory]
    [InlineData("{\"count\": 1, \"name\": ")]
    [InlineData("{\"count\": \"one\", \"name\": \"x\"}")]
    [InlineData("{\"count\": 1, \"name\": \"x\",}")]
    [InlineData("{/* comment */ \"count\": 1, \"name\": \"x\"}")]
    public async Task Malformed_or_mistyped_json_is_400(string body)
    {
        var response = await Client.PostAsync("/api/test/echo", new StringContent(body, Encoding.UTF8, "application/json"));
        await ErrorAssert.IsErrorAsync(response, HttpStatusCode.BadRequest, "invalid_request", "Malformed JSON body");
        Assert.True(response.Headers.Contains("X-Request-Id"));
    }

    [Fact]
    public async Task Valid_json_reaches_the_handler()
    {
        var response = await Client.PostAsync("/api/test/echo", new StringContent("{\"count\":3,\"name\":\"x\",\"extra\":true}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Missing_body_is_400_body_required()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/test/echo");
        var response = await Client.SendAsync(request);
        await ErrorAssert.IsErrorAsync(response, HttpStatusCode.BadRequest, "invalid_request", "Request body required");
    }

    [Fact]
    public async Task Text_plain_body_is_415()
    {
        var response = await Client.PostAsync("/api/test/echo", new StringContent("count=1", Encoding.UTF8, "text/plain"));
        await ErrorAssert.IsErrorAsync(response, HttpStatusCode.UnsupportedMediaType, "unsupported_media_type", "Content-Type must be application/json");
    }

    [Fact]
    public async Task Get_with_json_content_type_and_no_body_is_fine()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Content = new ByteArrayContent([]);
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        var response = await Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Unhandled_exception_is_500_with_request_id_and_nothing_from_the_exception()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/test/throw");
        request.Headers.Add("X-Request-Id", "req-500-check");
        var response = await Client.SendAsync(request);
        var body = await ErrorAssert.IsErrorAsync(response, HttpStatusCode.InternalServerError, "internal_error", "Internal server error");
        Assert.Equal("req-500-check", body.GetProperty("request_id").GetString());
        // The request was limited before it failed: its rate-limit answer survives the error (spec 02 §10.6).
        Assert.True(response.Headers.Contains("X-RateLimit-Remaining") && response.Headers.Contains("RateLimit"), response.Headers.ToString());
        var text = body.GetRawText();
        Assert.DoesNotContain("secret", text, StringComparison.Ordinal);
        Assert.DoesNotContain("InvalidOperation", text, StringComparison.Ordinal);
        var logged = Assert.Single(fixture.Host.Logs.Events("unhandled_exception"), e => e.String("request_id") == "req-500-check");
        Assert.DoesNotContain("0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266", logged.Text, StringComparison.OrdinalIgnoreCase);
    }
}
