using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Dixie.Bff.Tests.Support;

namespace Dixie.Bff.Tests.Http;

[Trait("Category", "Security")]
public sealed class BodyLimitTests(PipelineHostFixture fixture) : IClassFixture<PipelineHostFixture>
{
    private HttpClient Client => fixture.Host.Client;

    [Fact]
    public async Task Declared_length_above_the_limit_is_413_before_auth()
    {
        // No Authorization header: the limit answers before the gate could ask for one.
        using var anonymous = DixieHost.CreateClient(fixture.Host.BaseUrl);
        var response = await anonymous.PostAsync("/api/test/raw", new ByteArrayContent(new byte[102_401]));
        await ErrorAssert.IsErrorAsync(response, HttpStatusCode.RequestEntityTooLarge, "payload_too_large", "Body exceeds 102400 bytes");
        Assert.True(response.Headers.Contains("X-Request-Id"));
    }

    [Fact]
    public async Task Chunked_body_above_the_limit_is_413()
    {
        var response = await Client.PostAsync("/api/test/raw", new ChunkedContent(new byte[102_401]));
        await ErrorAssert.IsErrorAsync(response, HttpStatusCode.RequestEntityTooLarge, "payload_too_large", "Body exceeds 102400 bytes");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Body_of_exactly_the_limit_reaches_the_handler(bool chunked)
    {
        HttpContent content = chunked ? new ChunkedContent(new byte[102_400]) : new ByteArrayContent(new byte[102_400]);
        var response = await Client.PostAsync("/api/test/raw", content);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(102_400, body.GetProperty("length").GetInt64());
    }

    [Fact]
    public async Task Compressed_body_is_415()
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes("{}"));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        content.Headers.ContentEncoding.Add("gzip");
        var response = await Client.PostAsync("/api/test/echo", content);
        await ErrorAssert.IsErrorAsync(response, HttpStatusCode.UnsupportedMediaType, "unsupported_media_type", "Content-Encoding is not supported");
    }

    /// <summary>Content without a length, so HttpClient sends it chunked.</summary>
    private sealed class ChunkedContent(byte[] bytes) : HttpContent
    {
        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => stream.WriteAsync(bytes).AsTask();

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
