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

    [Fact]
    public async Task An_unknown_openapi_document_is_the_json_404_and_does_not_echo_the_name()
    {
        using var response = await fixture.Client.GetAsync("/openapi/%3Cscript%3E.json");
        var body = await ErrorAssert.IsErrorAsync(response, HttpStatusCode.NotFound, "not_found");
        Assert.DoesNotContain("script", body.GetRawText(), StringComparison.Ordinal);
    }
}
