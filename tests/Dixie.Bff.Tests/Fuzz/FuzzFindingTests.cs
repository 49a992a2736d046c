using System.Net;
using System.Text;
using Dixie.Bff.Tests.Support;

namespace Dixie.Bff.Tests.Fuzz;

/// <summary>What the endpoint fuzz found, pinned as plain examples.</summary>
[Trait("Category", "Security")]
public sealed class FuzzFindingTests(FuzzHostFixture fixture) : IClassFixture<FuzzHostFixture>
{
    [Theory]
    [InlineData(FuzzCaller.Wallet, "/api/chat", """{"prompt":"\uD800"}""")]
    [InlineData(FuzzCaller.Wallet, "/api/chat", """{"prompt":"hi","sessionId":"\uDC00x"}""")]
    [InlineData(FuzzCaller.Anonymous, "/api/auth/siwe", """{"message":"\uD800","signature":"0x00"}""")]
    [InlineData(FuzzCaller.Admin, "/api/admin/allowlist", """{"type":"wallet","value":"\uD800"}""")]
    public async Task A_lone_surrogate_escape_in_a_json_string_is_a_malformed_body(FuzzCaller caller, string path, string body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (fixture.Credential(caller) is { } credential) request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + credential);

        using var response = await fixture.Client.SendAsync(request);

        await ErrorAssert.IsErrorAsync(response, HttpStatusCode.BadRequest, "invalid_request");
    }

    [Theory]
    [InlineData(FuzzCaller.Wallet, "/api/chat", "Invalid JSON body")]
    [InlineData(FuzzCaller.Anonymous, "/api/auth/siwe", "Invalid JSON body")]
    [InlineData(FuzzCaller.Admin, "/api/admin/allowlist", null)]
    [InlineData(FuzzCaller.Admin, "/api/reputation/events", "Malformed JSON body")]
    [InlineData(FuzzCaller.Wallet, "/api/fleet/spawn", "Invalid request body")]
    public async Task Invalid_utf8_inside_a_json_string_is_a_malformed_body(FuzzCaller caller, string path, string? message)
    {
        // {"<field>":"\xFF…"}: well-formed JSON structure, text that is not UTF-8.
        byte[] body = [.. "{\"message\":\""u8, 0xFF, .. "\",\"prompt\":\"\",\"signature\":\"0x00\",\"description\":\""u8, 0xFF, .. "\"}"u8];
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        if (fixture.Credential(caller) is { } credential) request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + credential);

        using var response = await fixture.Client.SendAsync(request);

        await ErrorAssert.IsErrorAsync(response, HttpStatusCode.BadRequest, "invalid_request", message);
    }

    [Fact]
    public async Task An_unknown_openapi_document_is_the_json_404_and_does_not_echo_the_name()
    {
        using var response = await fixture.Client.GetAsync("/openapi/%3Cscript%3E.json");
        var body = await ErrorAssert.IsErrorAsync(response, HttpStatusCode.NotFound, "not_found");
        Assert.DoesNotContain("script", body.GetRawText(), StringComparison.Ordinal);
    }
}
