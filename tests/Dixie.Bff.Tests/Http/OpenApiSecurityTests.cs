using System.Text.Json;

namespace Dixie.Bff.Tests.Http;

public sealed class OpenApiSecurityTests(PipelineHostFixture fixture) : IClassFixture<PipelineHostFixture>
{
    [Theory]
    [InlineData("/api/admin/allowlist", "get", "adminKey")]
    [InlineData("/api/admin/audit", "get", "adminKey")]
    [InlineData("/api/auth/verify", "get", "bearer")]
    [InlineData("/api/auth/logout", "post", "bearer")]
    [InlineData("/api/auth/nonce", "get", null)]
    [InlineData("/api/auth/siwe", "post", null)]
    [InlineData("/api/health", "get", null)]
    public async Task Each_operation_declares_the_credential_it_takes(string path, string method, string? scheme)
    {
        using var document = JsonDocument.Parse(await fixture.Host.Client.GetStringAsync("/openapi/v1.json"));
        var schemes = document.RootElement.GetProperty("components").GetProperty("securitySchemes");
        Assert.Equal("bearer", schemes.GetProperty("bearer").GetProperty("scheme").GetString());
        Assert.Equal("bearer", schemes.GetProperty("adminKey").GetProperty("scheme").GetString());

        var operation = document.RootElement.GetProperty("paths").GetProperty(path).GetProperty(method);
        if (scheme is null)
        {
            Assert.False(operation.TryGetProperty("security", out _));
            return;
        }
        var requirement = Assert.Single(operation.GetProperty("security").EnumerateArray());
        Assert.Equal(scheme, Assert.Single(requirement.EnumerateObject()).Name);
    }
}
