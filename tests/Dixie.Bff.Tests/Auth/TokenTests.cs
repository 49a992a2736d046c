using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Dixie.Bff.Features.Auth;
using Dixie.Bff.Infrastructure.Redis;

namespace Dixie.Bff.Tests.Auth;

/// <summary>Spec 04 §4: the token profile, keys, validation and `/verify`.</summary>
[Trait("Category", "Security")]
public sealed class TokenTests(TokenHosts hosts) : IClassFixture<TokenHosts>
{
    // A whole second, so the 30 s skew boundaries are exact.
    private static readonly DateTimeOffset Now = new(2026, 1, 15, 10, 0, 30, TimeSpan.Zero);

    public static Task<HttpResponseMessage> VerifyAsync(AuthHost host, string? authorization)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/auth/verify");
        if (authorization is not null) request.Headers.TryAddWithoutValidation("Authorization", authorization);
        return host.Client.SendAsync(request);
    }

    [Fact]
    public async Task Issued_token_has_the_claim_profile()
    {
        foreach (var host in new[] { hosts.Hs, hosts.Es })
        {
            host.Clock.Set(Now.AddMilliseconds(700));
            var wallet = Hardhat.NewWallet().Address;

            var issued = host.Get<TokenIssuer>().Issue(wallet);

            var header = TestJwt.Part(issued.Token, 0);
            var payload = TestJwt.Part(issued.Token, 1);
            Assert.Equal("JWT", header.GetProperty("typ").GetString());
            if (host == hosts.Hs)
            {
                Assert.Equal("HS256", header.GetProperty("alg").GetString());
                Assert.False(header.TryGetProperty("kid", out _));
            }
            else
            {
                Assert.Equal("ES256", header.GetProperty("alg").GetString());
                Assert.Equal(GoldenVectors.ScalarOneKid, header.GetProperty("kid").GetString());
            }
            var iat = Now.ToUnixTimeSeconds();
            Assert.Equal(wallet, payload.GetProperty("sub").GetString());
            Assert.Equal("dixie-bff", payload.GetProperty("iss").GetString());
            Assert.Equal("dixie-bff", payload.GetProperty("aud").GetString());
            Assert.Equal(iat, payload.GetProperty("iat").GetInt64());
            Assert.Equal(iat, payload.GetProperty("nbf").GetInt64());
            Assert.Equal(iat + 3600, payload.GetProperty("exp").GetInt64());
            Assert.Equal("team", payload.GetProperty("role").GetString());
            var jti = payload.GetProperty("jti").GetString()!;
            Assert.Matches(new Regex("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$"), jti);
            Assert.Equal(new IssuedToken(issued.Token, jti, Now, Now.AddHours(1)), issued);

            var check = await host.Get<TokenValidator>().ValidateAsync(issued.Token, acceptRevoked: false, CancellationToken.None);
            Assert.Null(check.ErrorType);
            Assert.Equal(wallet, check.Identity!.Wallet);
            Assert.Equal(jti, check.Identity.TokenId);
            Assert.Equal(Now.AddHours(1), check.Identity.TokenExpiresAt);
            Assert.Equal("valid", check.Identity.Credential);
            Assert.Equal(Dixie.Bff.Infrastructure.Identity.IdentityKind.Wallet, check.Identity.Kind);
        }
    }

    [Theory]
    [InlineData(3600, "1h")]
    [InlineData(5400, "90m")]
    [InlineData(86400, "24h")]
    [InlineData(90, "90s")]
    [InlineData(60, "1m")]
    public void Expires_in_is_the_ttl_in_its_largest_whole_unit(int seconds, string text) => Assert.Equal(text, TokenIssuer.ExpiresIn(seconds));

    [Fact]
    public async Task Hs256_key_is_the_utf8_bytes_of_the_variable()
    {
        hosts.Hs.Clock.Set(Now);
        var wallet = Hardhat.NewWallet().Address;
        var claims = TestJwt.Claims(wallet, Now);

        var utf8 = TestJwt.Hs256(claims, Encoding.UTF8.GetBytes(TokenHosts.HmacSecret));
        var response = await VerifyAsync(hosts.Hs, "Bearer " + utf8);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var hexDecoded = TestJwt.Hs256(claims, Convert.FromHexString(TokenHosts.HmacSecret));
        await AuthAssert.TokenRejectedAsync(hosts.Hs, await VerifyAsync(hosts.Hs, "Bearer " + hexDecoded), "invalid_signature", hexDecoded);
    }

    [Fact]
    public async Task Es256_jwks_and_kid()
    {
        Assert.Equal(GoldenVectors.ScalarOneKid, JwtKeys.Thumbprint(GoldenVectors.ScalarOneX, GoldenVectors.ScalarOneY));

        var es = await hosts.Es.Client.GetAsync("/api/auth/.well-known/jwks.json");
        Assert.Equal(HttpStatusCode.OK, es.StatusCode);
        Assert.Equal("max-age=3600, public", es.Headers.NonValidated["Cache-Control"].ToString());
        Assert.Equal(
            $$"""{"keys":[{"kty":"EC","crv":"P-256","x":"{{GoldenVectors.ScalarOneX}}","y":"{{GoldenVectors.ScalarOneY}}","alg":"ES256","use":"sig","kid":"{{GoldenVectors.ScalarOneKid}}"}]}""",
            await es.Content.ReadAsStringAsync());

        var hs = await hosts.Hs.Client.GetAsync("/api/auth/.well-known/jwks.json");
        Assert.Equal(HttpStatusCode.OK, hs.StatusCode);
        Assert.Equal("max-age=3600, public", hs.Headers.NonValidated["Cache-Control"].ToString());
        Assert.Equal("""{"keys":[]}""", await hs.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Token_attacks_are_refused()
    {
        hosts.Hs.Clock.Set(Now);
        hosts.Es.Clock.Set(Now);
        var wallet = Hardhat.NewWallet().Address;
        var hmac = Encoding.UTF8.GetBytes(TokenHosts.HmacSecret);
        JsonObject Claims() => TestJwt.Claims(wallet, Now);
        JsonObject With(string name, JsonNode? value) { var c = Claims(); c[name] = value; return c; }
        JsonObject Without(string name) { var c = Claims(); c.Remove(name); return c; }
        var valid = TestJwt.Hs256(Claims(), hmac);
        var parts = valid.Split('.');
        var tampered = parts[0] + "." + TestJwt.Encode(With("sub", Hardhat.Account0.Address)) + "." + parts[2];
        using var otherKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        var hsCases = new (string Token, string ErrorType)[]
        {
            (TestJwt.Unsigned(Claims(), "none"), "invalid_signature"),
            (TestJwt.Unsigned(Claims(), "NONE"), "invalid_signature"),
            (TestJwt.Unsigned(Claims(), "HS256"), "invalid_signature"),
            (TestJwt.Es256(Claims(), otherKey, null), "invalid_signature"),
            (tampered, "invalid_signature"),
            (TestJwt.Hs256(With("iss", "someone-else"), hmac), "invalid_claims"),
            (TestJwt.Hs256(With("aud", "someone-else"), hmac), "invalid_claims"),
            (TestJwt.Hs256(With("aud", "dixie-bff/"), hmac), "invalid_claims"),
            (TestJwt.Hs256(Claims(), hmac, new JsonObject { ["alg"] = "HS256", ["typ"] = "at+jwt" }), "invalid_claims"),
            (TestJwt.Hs256(Claims(), hmac, new JsonObject { ["alg"] = "HS256" }), "invalid_claims"),
            (TestJwt.Hs256(With("exp", Now.ToUnixTimeSeconds() - 31), hmac), "expired"),
            (TestJwt.Hs256(With("nbf", Now.ToUnixTimeSeconds() + 31), hmac), "not_yet_valid"),
            (TestJwt.Hs256(With("iat", Now.ToUnixTimeSeconds() + 31), hmac), "invalid_claims"),
            (TestJwt.Hs256(With("exp", Now.ToUnixTimeSeconds() + 86_401), hmac), "invalid_claims"),
            // A registered claim of the wrong JSON type does not even parse as a JWT.
            (TestJwt.Hs256(With("exp", "tomorrow"), hmac), "malformed"),
            (TestJwt.Hs256(Without("exp"), hmac), "invalid_claims"),
            (TestJwt.Hs256(Without("iat"), hmac), "invalid_claims"),
            (TestJwt.Hs256(Without("jti"), hmac), "invalid_claims"),
            (TestJwt.Hs256(With("jti", new string('a', 65)), hmac), "invalid_claims"),
            (TestJwt.Hs256(With("sub", wallet.ToLowerInvariant()), hmac), "invalid_claims"),
            (TestJwt.Hs256(With("sub", "not-a-wallet"), hmac), "invalid_claims"),
            ("garbage", "malformed"),
            ("a.b", "malformed"),
            ("a.b.c", "malformed"),
            (valid + ".x.y", "malformed"),
        };
        foreach (var (token, errorType) in hsCases)
        {
            await AuthAssert.TokenRejectedAsync(hosts.Hs, await VerifyAsync(hosts.Hs, "Bearer " + token), errorType, token);
        }

        // The skew boundaries themselves are accepted.
        foreach (var token in new[]
        {
            TestJwt.Hs256(With("exp", Now.ToUnixTimeSeconds() - 30), hmac),
            TestJwt.Hs256(With("nbf", Now.ToUnixTimeSeconds() + 30), hmac),
            TestJwt.Hs256(With("iat", Now.ToUnixTimeSeconds() + 30), hmac),
            TestJwt.Hs256(Without("nbf"), hmac),
            valid,
        })
        {
            Assert.Equal(HttpStatusCode.OK, (await VerifyAsync(hosts.Hs, "Bearer " + token)).StatusCode);
        }

        using var ours = TestJwt.ScalarOneKey();
        var publicPem = Encoding.UTF8.GetBytes(ours.ExportSubjectPublicKeyInfoPem());
        var esCases = new (string Token, string ErrorType)[]
        {
            // Algorithm confusion: an HMAC keyed with our public key.
            (TestJwt.Hs256(Claims(), publicPem, new JsonObject { ["alg"] = "HS256", ["typ"] = "JWT", ["kid"] = GoldenVectors.ScalarOneKid }), "invalid_signature"),
            (TestJwt.Hs256(Claims(), hmac), "invalid_signature"),
            (TestJwt.Es256(Claims(), ours, "another-kid"), "invalid_signature"),
            (TestJwt.Es256(Claims(), ours, null), "invalid_signature"),
            (TestJwt.Es256(Claims(), otherKey, GoldenVectors.ScalarOneKid), "invalid_signature"),
            (TestJwt.Es256(Claims(), otherKey, GoldenVectors.ScalarOneKid,
                new JsonObject { ["alg"] = "ES256", ["typ"] = "JWT", ["jku"] = "https://evil.example/jwks.json" }), "invalid_signature"),
            (TestJwt.Unsigned(Claims(), "none"), "invalid_signature"),
            (TestJwt.Es256(With("iss", "someone-else"), ours, GoldenVectors.ScalarOneKid), "invalid_claims"),
        };
        foreach (var (token, errorType) in esCases)
        {
            await AuthAssert.TokenRejectedAsync(hosts.Es, await VerifyAsync(hosts.Es, "Bearer " + token), errorType, token);
        }
        Assert.Equal(HttpStatusCode.OK, (await VerifyAsync(hosts.Es, "Bearer " + TestJwt.Es256(Claims(), ours, GoldenVectors.ScalarOneKid))).StatusCode);
    }

    [Fact]
    public async Task Verify_returns_wallet_role_exp()
    {
        hosts.Hs.Clock.Set(Now);
        var wallet = Hardhat.NewWallet().Address;
        var issued = hosts.Hs.Get<TokenIssuer>().Issue(wallet);

        // The scheme is matched in any case.
        var response = await VerifyAsync(hosts.Hs, "bEARER " + issued.Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal($$"""{"wallet":"{{wallet}}","role":"team","exp":{{issued.ExpiresAt.ToUnixTimeSeconds()}}}""", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Verify_needs_bearer()
    {
        hosts.Hs.Clock.Set(Now);
        var token = hosts.Hs.Get<TokenIssuer>().Issue(Hardhat.NewWallet().Address).Token;
        foreach (var authorization in new[] { null, "", "Basic dXNlcjpwYXNz", "Bearer", "Bearer ", "Bearer  " + token, "Token " + token, "Bearer " + new string('a', 4097) })
        {
            var response = await VerifyAsync(hosts.Hs, authorization);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal("""{"error":"unauthorized","message":"Bearer token required"}""", await response.Content.ReadAsStringAsync());
            Assert.Equal("Bearer realm=\"dixie-bff\"", response.Headers.WwwAuthenticate.ToString());
        }

        var garbage = await VerifyAsync(hosts.Hs, "Bearer garbage");
        await AuthAssert.TokenRejectedAsync(hosts.Hs, garbage, "malformed", "garbage");
        Assert.Equal("Bearer realm=\"dixie-bff\"", garbage.Headers.WwwAuthenticate.ToString());
    }

    [Fact]
    public async Task Token_issued_before_the_wallet_watermark_is_revoked()
    {
        var host = hosts.Hs;
        var wallet = Hardhat.NewWallet().Address;
        host.Clock.Set(Now.AddMilliseconds(400));
        var before = host.Get<TokenIssuer>().Issue(wallet);
        var store = host.Get<RevocationStore>();

        await store.RevokeWalletAsync(wallet, CancellationToken.None);

        // W = floor(now) + 1: a token issued in the same second is dead too.
        var watermark = Now.ToUnixTimeSeconds() + 1;
        Assert.Equal(watermark, await store.GetWalletWatermarkAsync(wallet, CancellationToken.None));
        Assert.Equal(watermark, (long)await host.Redis.StringGetAsync(RedisKeys.AuthWalletRevoked + wallet));
        Assert.InRange((await host.Redis.KeyTimeToLiveAsync(RedisKeys.AuthWalletRevoked + wallet))!.Value, TimeSpan.FromSeconds(3650), TimeSpan.FromSeconds(3660));
        var sameSecond = host.Get<TokenIssuer>().Issue(wallet);
        await AuthAssert.TokenRejectedAsync(host, await VerifyAsync(host, "Bearer " + before.Token), "revoked", before.Token);
        await AuthAssert.TokenRejectedAsync(host, await VerifyAsync(host, "Bearer " + sameSecond.Token), "revoked", sameSecond.Token);

        host.Clock.Set(Now.AddSeconds(1));
        var after = host.Get<TokenIssuer>().Issue(wallet);
        Assert.Equal(HttpStatusCode.OK, (await VerifyAsync(host, "Bearer " + after.Token)).StatusCode);

        // Another instance's later removal raises the watermark; an older write never lowers it.
        await host.Redis.StringSetAsync(RedisKeys.AuthWalletRevoked + wallet, watermark + 100);
        host.Clock.Set(Now.AddSeconds(2));
        await store.RevokeWalletAsync(wallet, CancellationToken.None);
        Assert.Equal(watermark + 100, (long)await host.Redis.StringGetAsync(RedisKeys.AuthWalletRevoked + wallet));
        await AuthAssert.TokenRejectedAsync(host, await VerifyAsync(host, "Bearer " + after.Token), "revoked", after.Token);
    }

    [Fact]
    public async Task Auth_endpoints_are_in_the_api_description()
    {
        var document = System.Text.Json.JsonDocument.Parse(await hosts.Hs.Client.GetStringAsync("/openapi/v1.json")).RootElement;
        var paths = document.GetProperty("paths");

        Assert.True(paths.GetProperty("/api/auth/nonce").TryGetProperty("get", out _));
        Assert.True(paths.GetProperty("/api/auth/verify").TryGetProperty("get", out _));
        Assert.True(paths.GetProperty("/api/auth/.well-known/jwks.json").TryGetProperty("get", out _));
        Assert.True(paths.GetProperty("/api/auth/logout").TryGetProperty("post", out _));
        var signIn = paths.GetProperty("/api/auth/siwe").GetProperty("post");
        Assert.Equal("auth", signIn.GetProperty("tags")[0].GetString());
        var schema = signIn.GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("schema");
        Assert.Equal(["message", "signature"], schema.GetProperty("properties").EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Contains("\"200\"", signIn.GetProperty("responses").ToString(), StringComparison.Ordinal);
        Assert.Contains("\"401\"", signIn.GetProperty("responses").ToString(), StringComparison.Ordinal);
    }
}
