using System.Net;
using Dixie.Bff.Tests.Support;

namespace Dixie.Bff.Tests.Identity;

/// <summary>The allowlist gate of spec 02 §11 / spec 04 §1.3 with real credentials.</summary>
[Trait("Category", "Security")]
public sealed class GateTests(GateHostFixture fixture) : IClassFixture<GateHostFixture>
{
    private DixieHost Host => fixture.Host;

    [Theory]
    [InlineData("/api/chat", "POST")]
    [InlineData("/api/healthcheck", "GET")]
    [InlineData("/api/no-such-route", "GET")]
    [InlineData("/api/reputation/query", "POST")]
    public async Task Anonymous_callers_of_gated_routes_get_401_with_a_challenge(string path, string method)
    {
        using var response = await SendAsync(method, path, credential: null);
        await ErrorAssert.IsErrorAsync(response, HttpStatusCode.Unauthorized, "unauthorized", "Authentication required");
        Assert.Equal("Bearer realm=\"dixie-bff\"", response.Headers.WwwAuthenticate.ToString());
    }

    [Fact]
    public async Task Invalid_token_is_401_and_unlisted_api_key_is_403()
    {
        using (var garbage = await SendAsync("GET", "/api/sessions", "not-a-jwt"))
            await ErrorAssert.IsErrorAsync(garbage, HttpStatusCode.Unauthorized, "unauthorized", "Authentication required");
        using (var unlisted = await SendAsync("GET", "/api/sessions", GateHostFixture.UnlistedKey))
            await ErrorAssert.IsErrorAsync(unlisted, HttpStatusCode.Forbidden, "forbidden", "Not authorized");
        // The listed key with its last character changed (to something it is not).
        var nearMissKey = GateHostFixture.ListedKey[..^1] + (GateHostFixture.ListedKey[^1] == 'X' ? "Y" : "X");
        using (var nearMiss = await SendAsync("GET", "/api/sessions", nearMissKey))
            await ErrorAssert.IsErrorAsync(nearMiss, HttpStatusCode.Forbidden, "forbidden", "Not authorized");
    }

    [Fact]
    public async Task Unknown_api_path_is_404_only_for_allowlisted_callers()
    {
        using (var listed = await SendAsync("GET", "/api/no-such-route", Token(GateHostFixture.ListedWallet)))
            await ErrorAssert.IsErrorAsync(listed, HttpStatusCode.NotFound, "not_found");
        using (var key = await SendAsync("GET", "/api/no-such-route", GateHostFixture.ListedKey))
            await ErrorAssert.IsErrorAsync(key, HttpStatusCode.NotFound, "not_found");
        using (var unlisted = await SendAsync("GET", "/api/no-such-route", Token(GateHostFixture.UnlistedWallet)))
            await ErrorAssert.IsErrorAsync(unlisted, HttpStatusCode.Forbidden, "forbidden", "Not authorized");
    }

    [Theory]
    [InlineData("GET", "/api/fleet/tasks", true)]
    [InlineData("GET", "/api/reputation/42", true)]
    [InlineData("GET", "/api/reputation/42/cohorts", true)]
    [InlineData("POST", "/api/chat", false)]
    [InlineData("GET", "/api/sessions", false)]
    [InlineData("POST", "/api/reputation/42", false)]
    public async Task Admin_key_passes_only_admin_accepting_routes(string method, string path, bool passes)
    {
        using var response = await SendAsync(method, path, TestEnvironment.AdminKey);
        if (passes) Assert.NotEqual(HttpStatusCode.Forbidden, response.StatusCode);
        else await ErrorAssert.IsErrorAsync(response, HttpStatusCode.Forbidden, "forbidden", "Not authorized");
        Assert.NotEqual(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [InlineData("GET", "/api/health")]
    [InlineData("GET", "/api/auth/nonce")]
    [InlineData("GET", "/api/auth/.well-known/jwks.json")]
    public async Task Exempt_routes_answer_anonymous_callers(string method, string path)
    {
        using var response = await SendAsync(method, path, credential: null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Exempt_routes_with_their_own_checks_never_answer_with_the_gate_body()
    {
        // /api/admin/** and the admin-key reputation routes answer with the admin-key check's words.
        using (var admin = await SendAsync("GET", "/api/admin/audit", credential: null))
            await ErrorAssert.IsErrorAsync(admin, HttpStatusCode.Unauthorized, "unauthorized", "Admin key required");
        using (var population = await SendAsync("GET", "/api/reputation/population", credential: null))
            await ErrorAssert.IsErrorAsync(population, HttpStatusCode.Unauthorized, "unauthorized", "Admin key required");
        // The public query is not gated: whatever it answers, it is not the gate's 401.
        using var query = await SendAsync("GET", "/api/reputation/query?routingKey=nft:1", credential: null);
        Assert.NotEqual(HttpStatusCode.Unauthorized, query.StatusCode);
    }

    [Fact]
    public async Task Spoofed_identity_headers_change_nothing()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/no-such-route");
        request.Headers.Add("X-Wallet-Address", GateHostFixture.ListedWallet);
        request.Headers.Add("x-conviction-tier", "sovereign");
        request.Headers.Add("x-agent-owner", GateHostFixture.ListedWallet);
        request.Headers.Add("x-operator-id", GateHostFixture.ListedWallet);
        using (var anonymous = await Host.Client.SendAsync(request))
            await ErrorAssert.IsErrorAsync(anonymous, HttpStatusCode.Unauthorized, "unauthorized", "Authentication required");

        using var withKey = new HttpRequestMessage(HttpMethod.Get, "/api/no-such-route");
        withKey.Headers.Add("Authorization", "Bearer " + GateHostFixture.ListedKey);
        withKey.Headers.Add("X-Wallet-Address", GateHostFixture.ListedWallet);
        using (await Host.Client.SendAsync(withKey)) { }
        var line = await Host.Logs.WaitForAsync("http_request", l => l.String("path") == "/api/no-such-route" && l.String("auth") == "api_key");
        Assert.False(line.Has("wallet_hash"));
    }

    [Theory]
    [InlineData("expired")]
    [InlineData("tampered")]
    [InlineData("wrong_audience")]
    [InlineData("revoked")]
    public async Task Bad_tokens_are_401_on_gated_routes_and_logged_with_their_error_type(string kind)
    {
        var (token, errorType) = await fixture.BadTokenAsync(kind);
        using var response = await SendAsync("GET", "/api/sessions", token);
        await ErrorAssert.IsErrorAsync(response, HttpStatusCode.Unauthorized, "unauthorized", "Authentication required");
        await Host.Logs.WaitForAsync("jwt_verification_failed", l => l.String("error_type") == errorType);
        Assert.DoesNotContain(token, Host.Logs.AllText, StringComparison.Ordinal);
    }

    private string Token(string wallet) => fixture.Token(wallet);

    private Task<HttpResponseMessage> SendAsync(string method, string path, string? credential)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (credential is not null) request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + credential);
        if (method is "POST") request.Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json");
        return Host.Client.SendAsync(request);
    }
}
