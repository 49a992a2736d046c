using System.Net;
using System.Text;
using Dixie.Bff.Infrastructure.Identity;
using Dixie.Bff.Infrastructure.RateLimiting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Dixie.Bff.Tests.RateLimiting;

/// <summary>
/// The middleware against identities the authentication stage produces: the service's own
/// authentication stage is what sets them in the host, so here they are set on the context.
/// </summary>
public sealed class RateLimitMiddlewareTests : IDisposable
{
    private readonly FakeTimeProvider time = new(DateTimeOffset.UtcNow);
    private readonly MemoryRateLimiter memory;
    private readonly RateLimitMiddleware middleware;
    private int reachedNext;

    public RateLimitMiddlewareTests()
    {
        memory = new MemoryRateLimiter(time);
        var limiter = new ApiRateLimiter(memory, null, time, NullLogger<ApiRateLimiter>.Instance);
        var policies = new RateLimitPolicies(new("default", 1), new("reputation-query", 1));
        middleware = new RateLimitMiddleware(_ => { reachedNext++; return Task.CompletedTask; }, limiter, policies);
    }

    public void Dispose() => memory.Dispose();

    private async Task<HttpContext> SendAsync(string method, string path, RequestIdentity? identity = null, string ip = "203.0.113.9")
    {
        var context = new DefaultHttpContext();
        context.Request.Method = method;
        context.Request.Path = path;
        context.Connection.RemoteIpAddress = IPAddress.Parse(ip);
        context.Response.Body = new MemoryStream();
        if (identity is not null) context.Features.Set(identity);
        await middleware.InvokeAsync(context);
        return context;
    }

    private static RequestIdentity Wallet(string address) => new() { Kind = IdentityKind.Wallet, Wallet = address, Credential = "valid" };

    [Fact]
    public async Task Admin_identity_passes_without_headers_however_often_it_calls()
    {
        var admin = new RequestIdentity { Kind = IdentityKind.Admin, Credential = "valid" };
        for (var i = 0; i < 3; i++)
        {
            var context = await SendAsync("GET", "/api/admin/audit", admin);
            Assert.False(context.Response.Headers.ContainsKey("X-RateLimit-Limit"));
        }
        Assert.Equal(3, reachedNext);
    }

    [Fact]
    public async Task Wrong_admin_key_is_limited_by_client_ip()
    {
        var wrongKey = new RequestIdentity { Kind = IdentityKind.Anonymous, Credential = "admin_key_invalid" };

        var first = await SendAsync("GET", "/api/admin/audit", wrongKey);
        var second = await SendAsync("GET", "/api/admin/audit", RequestIdentity.Anonymous);

        Assert.Equal("1", first.Response.Headers["X-RateLimit-Limit"]);
        Assert.Equal(429, second.Response.StatusCode);
        Assert.Equal(1, reachedNext);
    }

    [Fact]
    public async Task Two_wallets_on_one_ip_have_their_own_default_budgets()
    {
        var a = await SendAsync("GET", "/api/chat", Wallet("0x00000000000000000000000000000000000000A1"));
        var b = await SendAsync("GET", "/api/chat", Wallet("0x00000000000000000000000000000000000000b2"));
        var aAgain = await SendAsync("GET", "/api/chat", Wallet("0x00000000000000000000000000000000000000a1"));

        Assert.Equal(200, a.Response.StatusCode);
        Assert.Equal(200, b.Response.StatusCode);
        Assert.Equal(429, aAgain.Response.StatusCode);
    }

    [Fact]
    public async Task Reputation_query_keys_on_the_ip_even_for_wallets()
    {
        var a = await SendAsync("GET", "/api/reputation/query", Wallet("0x00000000000000000000000000000000000000A1"));
        var b = await SendAsync("GET", "/api/reputation/query", Wallet("0x00000000000000000000000000000000000000b2"));
        var otherIp = await SendAsync("GET", "/api/reputation/query", Wallet("0x00000000000000000000000000000000000000b2"), "203.0.113.10");

        Assert.Equal(200, a.Response.StatusCode);
        Assert.Equal(429, b.Response.StatusCode);
        Assert.Equal(200, otherIp.Response.StatusCode);
        Assert.Equal("\"reputation-query\";q=1;w=60", b.Response.Headers["RateLimit-Policy"]);
    }

    [Fact]
    public async Task Rejection_answers_429_with_retry_after_in_header_and_body()
    {
        await SendAsync("GET", "/api/chat");
        time.Advance(TimeSpan.FromMilliseconds(1500));
        var rejected = await SendAsync("GET", "/api/chat");

        Assert.Equal(429, rejected.Response.StatusCode);
        Assert.Equal("application/json; charset=utf-8", rejected.Response.ContentType);
        // 60 s per request, 1.5 s of it gone: 58.5 s to wait, rounded up.
        Assert.Equal("59", rejected.Response.Headers.RetryAfter);
        Assert.Equal("\"default\";r=0;t=59", rejected.Response.Headers["RateLimit"]);
        Assert.Equal("0", rejected.Response.Headers["X-RateLimit-Remaining"]);
        Assert.Equal("""{"error":"rate_limited","message":"Too many requests","retry_after":59}""",
            Encoding.UTF8.GetString(((MemoryStream)rejected.Response.Body).ToArray()));
    }

    [Fact]
    public async Task Retry_after_is_at_least_one_second()
    {
        await SendAsync("GET", "/api/chat");
        time.Advance(TimeSpan.FromMicroseconds(Gcra.PeriodUs - 1));
        var rejected = await SendAsync("GET", "/api/chat");

        Assert.Equal(429, rejected.Response.StatusCode);
        Assert.Equal("1", rejected.Response.Headers.RetryAfter);
        Assert.Equal("\"default\";r=0;t=1", rejected.Response.Headers["RateLimit"]);
    }
}
