using Dixie.Bff.Infrastructure.Identity;
using Dixie.Bff.Infrastructure.RateLimiting;
using Microsoft.AspNetCore.Http;

namespace Dixie.Bff.Tests.RateLimiting;

public sealed class RateLimitScopeTests
{
    private static readonly RateLimitPolicies Policies = new(new("default", 100), new("reputation-query", 6000));
    private static readonly RequestIdentity Admin = new() { Kind = IdentityKind.Admin, Credential = "valid" };
    private static readonly RequestIdentity WrongAdminKey = new() { Kind = IdentityKind.Anonymous, Credential = "admin_key_invalid" };

    private static string? PolicyOf(string method, string path, RequestIdentity? identity = null, Action<HttpRequest>? arrange = null)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = method;
        context.Request.Path = path;
        arrange?.Invoke(context.Request);
        return RateLimitScope.PolicyFor(context.Request, identity ?? RequestIdentity.Anonymous, Policies)?.Name;
    }

    [Theory]
    [InlineData("/api/health")]
    [InlineData("/api/health/")]
    [InlineData("/API/Health")]
    public void Get_api_health_is_exempt(string path) => Assert.Null(PolicyOf("GET", path));

    [Theory]
    [InlineData("POST", "/api/health")]
    [InlineData("GET", "/api/healthcheck")]
    [InlineData("GET", "/api/health/governance")]
    [InlineData("GET", "/api/chat")]
    [InlineData("GET", "/api")]
    [InlineData("DELETE", "/api/unknown/path")]
    public void Other_api_requests_take_the_default_policy(string method, string path) => Assert.Equal("default", PolicyOf(method, path));

    [Theory]
    [InlineData("/")]
    [InlineData("/healthz/live")]
    [InlineData("/healthz/ready")]
    [InlineData("/metrics")]
    [InlineData("/openapi/v1.json")]
    [InlineData("/apix")]
    [InlineData("/ws/chat")]
    public void Paths_outside_api_are_never_limited(string path) => Assert.Null(PolicyOf("GET", path));

    [Fact]
    public void Cors_preflight_is_exempt_but_a_plain_options_request_is_not()
    {
        Assert.Null(PolicyOf("OPTIONS", "/api/chat", arrange: r =>
        {
            r.Headers.Origin = "https://app.example.com";
            r.Headers.AccessControlRequestMethod = "POST";
        }));
        Assert.Equal("default", PolicyOf("OPTIONS", "/api/chat", arrange: r => r.Headers.Origin = "https://app.example.com"));
    }

    [Theory]
    [InlineData("GET", "/api/reputation/query")]
    [InlineData("GET", "/api/reputation/query/")]
    [InlineData("GET", "/API/Reputation/Query")]
    public void Reputation_query_takes_its_own_policy(string method, string path) =>
        Assert.Equal("reputation-query", PolicyOf(method, path));

    [Fact]
    public void Other_methods_and_paths_under_reputation_take_the_default_policy()
    {
        Assert.Equal("default", PolicyOf("POST", "/api/reputation/query"));
        Assert.Equal("default", PolicyOf("GET", "/api/reputation/query/extra"));
        Assert.Equal("default", PolicyOf("GET", "/api/reputation/nft-1"));
    }

    [Theory]
    [InlineData("GET", "/api/admin/audit")]
    [InlineData("GET", "/api/health/governance")]
    [InlineData("POST", "/api/reputation/events")]
    [InlineData("GET", "/api/fleet/tasks")]
    public void Admin_identity_is_exempt(string method, string path) => Assert.Null(PolicyOf(method, path, Admin));

    [Fact]
    public void Admin_identity_is_still_limited_on_the_reputation_query()
    {
        Assert.Equal("reputation-query", PolicyOf("GET", "/api/reputation/query", Admin));
    }

    [Fact]
    public void Wrong_admin_key_is_limited()
    {
        Assert.Equal("default", PolicyOf("GET", "/api/admin/audit", WrongAdminKey));
    }

    [Fact]
    public void The_authorization_header_alone_does_not_exempt()
    {
        Assert.Equal("default", PolicyOf("GET", "/api/admin/audit", arrange: r => r.Headers.Authorization = "Bearer anything"));
    }
}
