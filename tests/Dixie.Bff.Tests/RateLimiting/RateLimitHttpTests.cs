using System.Net;
using System.Net.Http.Headers;
using Dixie.Bff.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace Dixie.Bff.Tests.RateLimiting;

/// <summary>The limiter in the real service on the memory backend (spec 02 §10, §15).</summary>
public sealed class RateLimitHttpTests
{
    private const string Origin = "https://app.example.com";

    [Fact]
    public async Task Limited_requests_carry_the_headers_and_the_one_over_the_limit_gets_the_429()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var host = await RateLimitResponses.StartWithClockAsync(clock, new()
        {
            ["DIXIE_RATE_LIMIT_RPM"] = "3",
            ["DIXIE_CORS_ORIGINS"] = Origin,
        });

        var responses = new List<HttpResponseMessage>();
        for (var i = 0; i < 4; i++) responses.Add(await host.GetAsync("/api/chat", h => h.Add("Origin", Origin)));

        // Each request costs 20 s of a 60 s budget: the reset moves 20 s further out with each one.
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, responses[i].StatusCode);
            Assert.Equal("3", responses[i].Header("X-RateLimit-Limit"));
            Assert.Equal($"{2 - i}", responses[i].Header("X-RateLimit-Remaining"));
            Assert.Equal("\"default\";q=3;w=60", responses[i].Header("RateLimit-Policy"));
            Assert.Equal($"\"default\";r={2 - i};t={20 * (i + 1)}", responses[i].Header("RateLimit"));
            Assert.Null(responses[i].Header("Retry-After"));
        }
        var rejected = responses[3];
        Assert.Equal(HttpStatusCode.TooManyRequests, rejected.StatusCode);
        Assert.Equal("application/json; charset=utf-8", rejected.Content.Headers.ContentType?.ToString());
        Assert.Equal("""{"error":"rate_limited","message":"Too many requests","retry_after":20}""", await rejected.Content.ReadAsStringAsync());
        Assert.Equal("20", rejected.Header("Retry-After"));
        Assert.Equal("3", rejected.Header("X-RateLimit-Limit"));
        Assert.Equal("0", rejected.Header("X-RateLimit-Remaining"));
        Assert.Equal("\"default\";q=3;w=60", rejected.Header("RateLimit-Policy"));
        Assert.Equal("\"default\";r=0;t=60", rejected.Header("RateLimit"));
        await ErrorAssert.IsErrorAsync(rejected, HttpStatusCode.TooManyRequests, "rate_limited", "Too many requests");

        // Browsers can read the 429 and its headers.
        Assert.Equal(Origin, rejected.Header("Access-Control-Allow-Origin"));
        Assert.Equal("true", rejected.Header("Access-Control-Allow-Credentials"));
        var exposed = rejected.Header("Access-Control-Expose-Headers")!.Split(',').Select(h => h.Trim());
        Assert.Contains("Retry-After", exposed, StringComparer.OrdinalIgnoreCase);
        Assert.Contains("RateLimit", exposed, StringComparer.OrdinalIgnoreCase);

        clock.Advance(TimeSpan.FromSeconds(20));
        var again = await host.GetAsync("/api/chat");
        Assert.Equal(HttpStatusCode.Unauthorized, again.StatusCode);
        Assert.Equal("\"default\";r=0;t=60", again.Header("RateLimit"));

        var line = await host.Logs.WaitForAsync("http_request", l => l.Int("status") == 429);
        Assert.Equal("warn", line.String("level"));
        await Eventually.TrueAsync(async () =>
            (await host.Client.GetStringAsync("/metrics")).Split('\n').Any(l => l.StartsWith("dixie_rate_limit_rejected_total{", StringComparison.Ordinal)
                && l.Contains("backend=\"memory\"", StringComparison.Ordinal) && l.Contains("limiter=\"default\"", StringComparison.Ordinal)),
            what: "the memory rejection in /metrics");
    }

    [Fact]
    public async Task Health_probes_metrics_and_preflights_are_exempt_and_spend_nothing()
    {
        await using var host = await DixieHost.StartAsync(new DixieHostOptions
        {
            Environment = { ["DIXIE_RATE_LIMIT_RPM"] = "1", ["DIXIE_CORS_ORIGINS"] = Origin },
        });

        for (var i = 0; i < 3; i++)
        {
            foreach (var path in new[] { "/api/health", "/healthz/live", "/healthz/ready", "/metrics", "/" })
            {
                var response = await host.GetAsync(path);
                Assert.False(response.HasRateLimitHeaders(), $"{path} has rate-limit headers");
                Assert.NotEqual(HttpStatusCode.TooManyRequests, response.StatusCode);
            }
            using var preflight = new HttpRequestMessage(HttpMethod.Options, "/api/chat");
            preflight.Headers.Add("Origin", Origin);
            preflight.Headers.Add("Access-Control-Request-Method", "POST");
            var preflightResponse = await host.Client.SendAsync(preflight);
            Assert.Equal(HttpStatusCode.NoContent, preflightResponse.StatusCode);
            Assert.False(preflightResponse.HasRateLimitHeaders());
            // HEAD is answered like GET (spec 03 §1), a trailing slash and any case included.
            foreach (var path in new[] { "/api/health", "/API/Health/" })
            {
                using var head = await host.Client.SendAsync(new HttpRequestMessage(HttpMethod.Head, path));
                Assert.Equal(HttpStatusCode.OK, head.StatusCode);
                Assert.False(head.HasRateLimitHeaders(), $"HEAD {path} has rate-limit headers");
            }
        }

        var first = await host.GetAsync("/api/chat");
        var second = await host.GetAsync("/api/chat");
        Assert.Equal("0", first.Header("X-RateLimit-Remaining"));
        Assert.Equal(HttpStatusCode.TooManyRequests, second.StatusCode);
        // Still exempt once the budget is spent.
        Assert.Equal(HttpStatusCode.OK, (await host.GetAsync("/api/health")).StatusCode);
    }

    [Fact]
    public async Task Admin_identity_with_the_right_admin_key_is_exempt_on_admin_routes()
    {
        await using var host = await DixieHost.StartAsync(new DixieHostOptions { Environment = { ["DIXIE_RATE_LIMIT_RPM"] = "1" } });

        for (var i = 0; i < 3; i++)
        {
            var response = await host.GetAsync("/api/admin/audit", h => h.Authorization = new AuthenticationHeaderValue("Bearer", TestEnvironment.AdminKey));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.False(response.HasRateLimitHeaders());
        }
    }

    [Fact]
    public async Task Token_introspection_is_limited_by_the_wallet_not_by_the_address()
    {
        await using var host = await DixieHost.StartAsync(new DixieHostOptions { Environment = { ["DIXIE_RATE_LIMIT_RPM"] = "1" } });
        var token = host.Get<Dixie.Bff.Features.Auth.TokenIssuer>().Issue("0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266").Token;

        var verified = await host.GetAsync("/api/auth/verify", h => h.Authorization = new AuthenticationHeaderValue("Bearer", token));
        var anonymous = await host.GetAsync("/api/auth/.well-known/jwks.json");
        var again = await host.GetAsync("/api/auth/verify", h => h.Authorization = new AuthenticationHeaderValue("Bearer", token));

        // Spec 02 §10.2: the wallet's budget, spent by its token; the same address without it has its own.
        Assert.Equal(HttpStatusCode.OK, verified.StatusCode);
        Assert.Equal(HttpStatusCode.OK, anonymous.StatusCode);
        await ErrorAssert.IsErrorAsync(again, HttpStatusCode.TooManyRequests, "rate_limited");
    }

    [Fact]
    public async Task Wrong_admin_key_is_limited_by_ip_before_the_admin_key_check()
    {
        await using var host = await DixieHost.StartAsync(new DixieHostOptions { Environment = { ["DIXIE_RATE_LIMIT_RPM"] = "1" } });

        var wrong = await host.GetAsync("/api/admin/audit", h => h.Authorization = new AuthenticationHeaderValue("Bearer", "not-the-admin-key"));
        var wrongAgain = await host.GetAsync("/api/admin/audit", h => h.Authorization = new AuthenticationHeaderValue("Bearer", "not-the-admin-key"));
        var otherRoute = await host.GetAsync("/api/chat");

        await ErrorAssert.IsErrorAsync(wrong, HttpStatusCode.Forbidden, "forbidden", "Invalid admin key");
        Assert.Equal("0", wrong.Header("X-RateLimit-Remaining"));
        await ErrorAssert.IsErrorAsync(wrongAgain, HttpStatusCode.TooManyRequests, "rate_limited");
        Assert.Equal(HttpStatusCode.TooManyRequests, otherRoute.StatusCode);
    }

    [Fact]
    public async Task Reputation_query_is_limited_per_ip_by_its_own_policy_without_spending_the_default_budget()
    {
        await using var host = await DixieHost.StartAsync(new DixieHostOptions
        {
            Environment = { ["DIXIE_RATE_LIMIT_RPM"] = "2", ["DIXIE_REPUTATION_QUERY_RPM"] = "3" },
        });
        static void Jwt(HttpRequestHeaders h) => h.Authorization = new AuthenticationHeaderValue("Bearer", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIweGYzOSJ9.c2ln");

        var queries = new List<HttpResponseMessage>();
        for (var i = 0; i < 4; i++) queries.Add(await host.GetAsync("/api/reputation/query?routingKey=nft:1", Jwt));
        var chat = await host.GetAsync("/api/chat", Jwt);

        for (var i = 0; i < 3; i++)
        {
            Assert.NotEqual(HttpStatusCode.TooManyRequests, queries[i].StatusCode);
            Assert.Equal("3", queries[i].Header("X-RateLimit-Limit"));
            Assert.Equal("\"reputation-query\";q=3;w=60", queries[i].Header("RateLimit-Policy"));
            Assert.StartsWith($"\"reputation-query\";r={2 - i};t=", queries[i].Header("RateLimit"), StringComparison.Ordinal);
        }
        await ErrorAssert.IsErrorAsync(queries[3], HttpStatusCode.TooManyRequests, "rate_limited");
        Assert.StartsWith("\"reputation-query\";r=0;t=", queries[3].Header("RateLimit"), StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.Unauthorized, chat.StatusCode);
        Assert.Equal("\"default\";q=2;w=60", chat.Header("RateLimit-Policy"));
        Assert.Equal("1", chat.Header("X-RateLimit-Remaining"));
    }
}
