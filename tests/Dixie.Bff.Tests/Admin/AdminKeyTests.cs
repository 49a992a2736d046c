using System.Net;
using System.Text.Json;
using Dixie.Bff.Tests.Support;

namespace Dixie.Bff.Tests.Admin;

/// <summary>Spec 02 §12.1 on every admin-key route of §9.2.</summary>
[Trait("Category", "Security")]
public sealed class AdminKeyTests(AdminKeyFixture fixture) : IClassFixture<AdminKeyFixture>
{
    public static TheoryData<string, string> AdminKeyRoutes => new()
    {
        { "GET", "/api/admin/audit" },
        { "GET", "/api/admin/audit/reputation/verify" },
        { "DELETE", "/api/admin/audit" },
        { "GET", "/api/admin/x" },
        { "POST", "/api/admin/x/y" },
        { "GET", "/API/Admin/Audit/" },
        { "GET", "/api/health/governance" },
        { "GET", "/api/health/governance/" },
        { "GET", "/api/reputation/population" },
        { "POST", "/api/reputation/events" },
    };

    private static HttpRequestMessage Request(string method, string path, string? authorization)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (authorization is not null) request.Headers.TryAddWithoutValidation("Authorization", authorization);
        return request;
    }

    [Theory]
    [MemberData(nameof(AdminKeyRoutes))]
    public async Task Without_a_configured_key_the_route_is_403(string method, string path)
    {
        using var request = Request(method, path, "Bearer " + TestEnvironment.AdminKey);
        var response = await fixture.Unconfigured.Client.SendAsync(request);
        await ErrorAssert.IsErrorAsync(response, HttpStatusCode.Forbidden, "forbidden", "Admin API not configured");
    }

    [Theory]
    [MemberData(nameof(AdminKeyRoutes))]
    public async Task Without_a_key_the_route_is_401_with_a_challenge(string method, string path)
    {
        foreach (var authorization in new[] { null, "", "Bearer", "Bearer   ", "bearer " })
        {
            using var request = Request(method, path, authorization);
            var response = await fixture.Configured.Client.SendAsync(request);
            await ErrorAssert.IsErrorAsync(response, HttpStatusCode.Unauthorized, "unauthorized", "Admin key required");
            Assert.Equal("Bearer realm=\"dixie-bff\"", response.Headers.WwwAuthenticate.ToString());
        }
    }

    [Theory]
    [MemberData(nameof(AdminKeyRoutes))]
    public async Task A_wrong_key_is_403(string method, string path)
    {
        foreach (var authorization in new[] { "Bearer wrong-key", "Bearer " + TestEnvironment.AdminKey + "x", TestEnvironment.AdminKey[..^1], "Basic " + TestEnvironment.AdminKey })
        {
            using var request = Request(method, path, authorization);
            var response = await fixture.Configured.Client.SendAsync(request);
            await ErrorAssert.IsErrorAsync(response, HttpStatusCode.Forbidden, "forbidden", "Invalid admin key");
        }
    }

    [Theory]
    [MemberData(nameof(AdminKeyRoutes))]
    public async Task The_right_key_passes_with_or_without_the_bearer_prefix(string method, string path)
    {
        foreach (var authorization in new[] { "Bearer " + TestEnvironment.AdminKey, "bearer " + TestEnvironment.AdminKey, "BEARER  " + TestEnvironment.AdminKey, TestEnvironment.AdminKey })
        {
            using var request = Request(method, path, authorization);
            var response = await fixture.Configured.Client.SendAsync(request);
            Assert.NotEqual(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.NotEqual(HttpStatusCode.Forbidden, response.StatusCode);
        }
    }

    [Fact]
    public async Task An_unknown_admin_path_is_401_before_404_and_404_with_the_key()
    {
        var anonymous = await fixture.Configured.Client.GetAsync("/api/admin/no-such-thing");
        await ErrorAssert.IsErrorAsync(anonymous, HttpStatusCode.Unauthorized, "unauthorized", "Admin key required");

        using var request = Request("GET", "/api/admin/no-such-thing", "Bearer " + TestEnvironment.AdminKey);
        await ErrorAssert.IsErrorAsync(await fixture.Configured.Client.SendAsync(request), HttpStatusCode.NotFound, "not_found", "Route not found");
    }

    [Theory]
    [InlineData("GET", "/api/administrator")]
    [InlineData("GET", "/api/adminx/audit")]
    [InlineData("POST", "/api/health/governance")]
    [InlineData("GET", "/api/reputation/events")]
    [InlineData("GET", "/api/health/governance/x")]
    public async Task Neighbouring_paths_are_not_admin_key_routes(string method, string path)
    {
        using var request = Request(method, path, null);
        var response = await fixture.Configured.Client.SendAsync(request);
        if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            var body = await ErrorAssert.IsErrorShapeAsync(response);
            Assert.NotEqual("Admin key required", body.GetProperty("message").GetString());
            Assert.NotEqual("Invalid admin key", body.GetProperty("message").GetString());
        }
    }

    [Fact]
    public async Task The_admin_identity_reaches_the_request_log_and_failures_are_logged_without_the_key()
    {
        using (var wrong = Request("GET", "/api/admin/audit", "Bearer not-the-key-0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"))
            await fixture.Configured.Client.SendAsync(wrong);
        using (var right = Request("GET", "/api/admin/audit?limit=1", "Bearer " + TestEnvironment.AdminKey))
            Assert.Equal(HttpStatusCode.OK, (await fixture.Configured.Client.SendAsync(right)).StatusCode);

        var logs = fixture.Configured.Logs;
        var failure = await logs.WaitForAsync("admin_auth_failed", e =>
            e.String("reason") == "invalid" && e.String("route") == "/api/admin/audit");
        Assert.Equal("warn", failure.String("level"));
        var admitted = await logs.WaitForAsync("http_request", e =>
            e.String("path") == "/api/admin/audit" && e.Int("status") == 200);
        Assert.Equal("admin", admitted.String("auth"));
        Assert.DoesNotContain(TestEnvironment.AdminKey, logs.AllText, StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-key", logs.AllText, StringComparison.Ordinal);
    }
}
