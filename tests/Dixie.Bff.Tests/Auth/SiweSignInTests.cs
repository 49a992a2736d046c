using System.Net;
using System.Net.Http.Headers;
using Dixie.Bff.Features.Auth;
using Dixie.Bff.Infrastructure.Logging;

namespace Dixie.Bff.Tests.Auth;

/// <summary>Spec 04 §3 and §9: sign-in with the golden vectors and every check of §3.3.</summary>
[Trait("Category", "Security")]
public sealed partial class SiweSignInTests(SiweHosts hosts) : IClassFixture<SiweHosts>
{
    private static readonly DateTimeOffset Now = GoldenVectors.SignInTime;

    private AuthHost Strict => hosts.Strict;

    private SiweText Message(DateTimeOffset? issuedAt = null) => new() { IssuedAt = issuedAt ?? Now };

    [Fact]
    public async Task Golden_message_signs_in()
    {
        Strict.Clock.Set(GoldenVectors.SignInTime);
        await Strict.SeedNonceAsync(GoldenVectors.Nonce);

        var response = await Strict.PostSiweAsync(GoldenVectors.M1, GoldenVectors.M1Signature);

        var body = await AuthAssert.SignedInAsync(response);
        Assert.Equal(Hardhat.Account0.Address, body.GetProperty("wallet").GetString());
        Assert.Equal("1h", body.GetProperty("expiresIn").GetString());
        Assert.Equal("2026-01-15T11:00:30.000Z", body.GetProperty("expiresAt").GetString());
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        var login = await Strict.Logs.WaitForAsync(LogEvents.SiweLogin, l => l.String("request_id") == AuthAssert.RequestId(response));
        Assert.Equal(GoldenVectors.Account0WalletHash, login.String("wallet_hash"));
        Assert.Equal("strict", login.String("nonce_mode"));

        using var verify = new HttpRequestMessage(HttpMethod.Get, "/api/auth/verify");
        verify.Headers.Authorization = new AuthenticationHeaderValue("Bearer", body.GetProperty("token").GetString());
        var verified = await Strict.Client.SendAsync(verify);
        Assert.Equal(HttpStatusCode.OK, verified.StatusCode);
        Assert.Equal(
            $$"""{"wallet":"{{Hardhat.Account0.Address}}","role":"team","exp":{{new DateTimeOffset(2026, 1, 15, 11, 0, 30, TimeSpan.Zero).ToUnixTimeSeconds()}}}""",
            await verified.Content.ReadAsStringAsync());

        // Never a nonce, signature, message or token in the log; the login is counted.
        var logs = Strict.Logs.AllText;
        Assert.DoesNotContain(GoldenVectors.Nonce, logs, StringComparison.Ordinal);
        Assert.DoesNotContain(GoldenVectors.M1Signature[2..40], logs, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("Sign in to Dixie BFF", logs, StringComparison.Ordinal);
        Assert.DoesNotContain(body.GetProperty("token").GetString()!, logs, StringComparison.Ordinal);
        var metrics = await Strict.Client.GetStringAsync("/metrics");
        Assert.Matches(@"(?m)^dixie_auth_siwe_logins_total\{[^}]*outcome=""ok""[^}]*\} [1-9]", metrics);
    }

    [Fact]
    public async Task Golden_vectors_recover_and_fail_as_specified()
    {
        Assert.Equal(297, System.Text.Encoding.UTF8.GetByteCount(GoldenVectors.M1));
        Assert.Equal(11, GoldenVectors.M1.Split('\n').Length);
        Assert.Equal(GoldenVectors.M1Hash, "0x" + Convert.ToHexStringLower(SiweSignature.PersonalMessageHash(GoldenVectors.M1)));
        Assert.Equal(GoldenVectors.M1Hash, "0x" + Convert.ToHexStringLower(Hardhat.PersonalHash(GoldenVectors.M1)));
        // The test signer reproduces the RFC 6979 signatures, so messages it signs are as real as the golden ones.
        Assert.Equal(GoldenVectors.M1Signature, Hardhat.Account0.Sign(GoldenVectors.M1));
        Assert.Equal(GoldenVectors.M1SignedByAccount1, Hardhat.Account1.Sign(GoldenVectors.M1));
        Assert.Equal(GoldenVectors.M2Signature, Hardhat.Account0.Sign(GoldenVectors.M2));

        Strict.Clock.Set(GoldenVectors.SignInTime);
        await Strict.SeedNonceAsync(GoldenVectors.Nonce);
        await AuthAssert.SiweRejectedAsync(Strict, await Strict.PostSiweAsync(GoldenVectors.M1, GoldenVectors.M1SignatureHighS), "signature_high_s");
        await AuthAssert.SiweRejectedAsync(Strict, await Strict.PostSiweAsync(GoldenVectors.M1, GoldenVectors.M1SignedByAccount1), "signature_mismatch");
        var recoveryIdForm = GoldenVectors.M1Signature[..^2] + "01";
        await AuthAssert.SignedInAsync(await Strict.PostSiweAsync(GoldenVectors.M1, recoveryIdForm));

        await Strict.SeedNonceAsync(GoldenVectors.Nonce);
        var m2 = await AuthAssert.SignedInAsync(await Strict.PostSiweAsync(GoldenVectors.M2, GoldenVectors.M2Signature));
        Assert.Equal(Hardhat.Account0.Address, m2.GetProperty("wallet").GetString());

        // With the default 600 s maximum age the age check fails before the expiry check.
        Strict.Clock.Set(new DateTimeOffset(2026, 1, 15, 10, 10, 59, TimeSpan.Zero));
        await Strict.SeedNonceAsync(GoldenVectors.Nonce);
        await AuthAssert.SiweRejectedAsync(Strict, await Strict.PostSiweAsync(GoldenVectors.M1, GoldenVectors.M1Signature), "issued_at_too_old");

        var variant = hosts.Variant;
        variant.Clock.Set(new DateTimeOffset(2026, 1, 15, 10, 10, 59, TimeSpan.Zero));
        await AuthAssert.SignedInAsync(await variant.PostSiweAsync(GoldenVectors.M1, GoldenVectors.M1Signature));
        variant.Clock.Set(new DateTimeOffset(2026, 1, 15, 10, 11, 0, TimeSpan.Zero));
        await AuthAssert.SiweRejectedAsync(variant, await variant.PostSiweAsync(GoldenVectors.M1, GoldenVectors.M1Signature), "expired");
    }

    [Fact]
    public async Task Replayed_nonce_is_rejected()
    {
        Strict.Clock.Set(Now);
        var nonce = await NonceTests.IssueAsync(Strict);
        var message = Message() with { Nonce = nonce };

        await AuthAssert.SignedInAsync(await Strict.SignInAsync(message));
        var replay = await Strict.SignInAsync(message);

        var line = await AuthAssert.SiweRejectedAsync(Strict, replay, "nonce_not_found");
        Assert.Equal(GoldenVectors.Account0WalletHash, line.String("wallet_hash"));
    }

    [Fact]
    public async Task Concurrent_replays_have_one_winner()
    {
        Strict.Clock.Set(Now);
        var message = Message();
        await Strict.SeedNonceAsync(message.Nonce);
        var text = message.ToString();
        var signature = Hardhat.Account0.Sign(text);

        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Strict.PostSiweAsync(text, signature)));

        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.OK);
        var losers = responses.Where(r => r.StatusCode != HttpStatusCode.OK).ToList();
        Assert.Equal(19, losers.Count);
        foreach (var loser in losers) await AuthAssert.SiweRejectedAsync(Strict, loser, "nonce_not_found");
    }

    [Fact]
    public async Task Never_issued_nonce_fails_in_strict_and_passes_in_format_mode()
    {
        Strict.Clock.Set(Now);
        hosts.Variant.Clock.Set(Now);
        var message = Message();

        await AuthAssert.SiweRejectedAsync(Strict, await Strict.SignInAsync(message), "nonce_not_found");
        var response = await hosts.Variant.SignInAsync(message);

        await AuthAssert.SignedInAsync(response);
        var login = await hosts.Variant.Logs.WaitForAsync(LogEvents.SiweLogin, l => l.String("request_id") == AuthAssert.RequestId(response));
        Assert.Equal("format", login.String("nonce_mode"));
    }

    [Fact]
    public async Task Forged_signature_does_not_burn_nonce()
    {
        Strict.Clock.Set(Now);
        var message = Message();
        await Strict.SeedNonceAsync(message.Nonce);

        await AuthAssert.SiweRejectedAsync(Strict, await Strict.SignInAsync(message, Hardhat.Account1), "signature_mismatch");

        await AuthAssert.SignedInAsync(await Strict.SignInAsync(message));
    }

    [Fact]
    public async Task Issued_at_window()
    {
        Strict.Clock.Set(Now);

        await AuthAssert.SignedInAsync(await Strict.SeedAndSignInAsync(Message(Now.AddSeconds(-600))));
        await AuthAssert.SiweRejectedAsync(Strict, await Strict.SeedAndSignInAsync(Message(Now.AddSeconds(-601))), "issued_at_too_old");
        await AuthAssert.SignedInAsync(await Strict.SeedAndSignInAsync(Message(Now.AddSeconds(60))));
        await AuthAssert.SiweRejectedAsync(Strict, await Strict.SeedAndSignInAsync(Message(Now.AddSeconds(61))), "issued_at_in_future");
    }

    [Fact]
    public async Task Expiration_and_not_before_honour_60s_skew()
    {
        Strict.Clock.Set(Now);

        await AuthAssert.SignedInAsync(await Strict.SeedAndSignInAsync(Message() with { ExpirationTime = Now.AddSeconds(-59) }));
        await AuthAssert.SiweRejectedAsync(Strict, await Strict.SeedAndSignInAsync(Message() with { ExpirationTime = Now.AddSeconds(-60) }), "expired");
        await AuthAssert.SignedInAsync(await Strict.SeedAndSignInAsync(Message() with { NotBefore = Now.AddSeconds(60) }));
        await AuthAssert.SiweRejectedAsync(Strict, await Strict.SeedAndSignInAsync(Message() with { NotBefore = Now.AddSeconds(61) }), "not_yet_valid");
    }

    [Fact]
    public async Task Times_at_the_ends_of_the_calendar_are_judged_not_overflowed()
    {
        Strict.Clock.Set(Now);

        await AuthAssert.SignedInAsync(await Strict.SeedAndSignInAsync(Message() with { ExpirationTime = DateTimeOffset.MaxValue }));
        await AuthAssert.SignedInAsync(await Strict.SeedAndSignInAsync(Message() with { NotBefore = DateTimeOffset.MinValue }));
        await AuthAssert.SiweRejectedAsync(Strict, await Strict.SeedAndSignInAsync(Message() with { ExpirationTime = DateTimeOffset.MinValue }), "expired");
        await AuthAssert.SiweRejectedAsync(Strict, await Strict.SeedAndSignInAsync(Message() with { NotBefore = DateTimeOffset.MaxValue }), "not_yet_valid");
    }

    [Fact]
    public async Task Domain_rules()
    {
        Strict.Clock.Set(Now);

        // An item without a port matches any port; one with a port only that port; hosts in any case.
        await AuthAssert.SignedInAsync(await Strict.SeedAndSignInAsync(Message() with { Domain = "localhost:4000" }));
        await AuthAssert.SignedInAsync(await Strict.SeedAndSignInAsync(Message() with { Domain = "LocalHost" }));
        await AuthAssert.SignedInAsync(await Strict.SeedAndSignInAsync(Message() with { Domain = "APP.example.com:8443" }));
        await AuthAssert.SiweRejectedAsync(Strict, await Strict.SeedAndSignInAsync(Message() with { Domain = "app.example.com:9443" }), "domain_not_allowed");
        await AuthAssert.SiweRejectedAsync(Strict, await Strict.SeedAndSignInAsync(Message() with { Domain = "app.example.com" }), "domain_not_allowed");
        await AuthAssert.SiweRejectedAsync(Strict, await Strict.SeedAndSignInAsync(Message() with { Domain = "evil.example:3001" }), "domain_not_allowed");
        await AuthAssert.SiweRejectedAsync(Strict, await Strict.SeedAndSignInAsync(Message() with { Domain = "[::1]:4000" }), "domain_not_allowed");
        await AuthAssert.SiweRejectedAsync(Strict, await Strict.SeedAndSignInAsync(Message() with { Domain = "localhost:3001@evil.com" }), "parse_error");
        await AuthAssert.SiweRejectedAsync(Strict, await Strict.SeedAndSignInAsync(Message() with { Domain = "user@localhost:3001" }), "parse_error");
    }

    [Fact]
    public async Task Chain_rules()
    {
        Strict.Clock.Set(Now);
        var variant = hosts.Variant;
        variant.Clock.Set(Now);

        await AuthAssert.SignedInAsync(await Strict.SeedAndSignInAsync(Message() with { ChainId = "5" }));
        await AuthAssert.SignedInAsync(await Strict.SeedAndSignInAsync(Message() with { ChainId = "9223372036854775807" }));
        await AuthAssert.SiweRejectedAsync(Strict, await Strict.SeedAndSignInAsync(Message() with { ChainId = "9223372036854775808" }), "parse_error");

        await AuthAssert.SignedInAsync(await variant.SignInAsync(Message() with { ChainId = "137" }));
        // Leading zeros are allowed and compared numerically.
        await AuthAssert.SignedInAsync(await variant.SignInAsync(Message() with { ChainId = "000137" }));
        await AuthAssert.SiweRejectedAsync(variant, await variant.SignInAsync(Message() with { ChainId = "5" }), "chain_not_allowed");
    }

    [Fact]
    public async Task Address_must_be_checksummed()
    {
        Strict.Clock.Set(Now);
        var lower = Hardhat.Account0.Address.ToLowerInvariant();
        var upper = "0x" + Hardhat.Account0.Address[2..].ToUpperInvariant();
        // One letter in the wrong case: 0xf39F… → 0xF39F…
        var wrongCase = "0xF" + Hardhat.Account0.Address[3..];

        foreach (var address in new[] { lower, upper, wrongCase })
        {
            var line = await AuthAssert.SiweRejectedAsync(Strict, await Strict.SeedAndSignInAsync(Message() with { Address = address }), "address_not_checksummed");
            Assert.Equal(GoldenVectors.Account0WalletHash, line.String("wallet_hash"));
        }
    }

    [Fact]
    public async Task Valid_signature_of_unlisted_wallet_is_403()
    {
        Strict.Clock.Set(Now);
        var message = Message() with { Address = Hardhat.Account1.Address };

        var response = await Strict.SeedAndSignInAsync(message, Hardhat.Account1);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("""{"error":"forbidden","message":"Wallet not authorized"}""", await response.Content.ReadAsStringAsync());
        var line = await Strict.Logs.WaitForAsync(LogEvents.SiweLoginDenied, l => l.String("request_id") == AuthAssert.RequestId(response));
        Assert.Equal(Redaction.Hash12(Hardhat.Account1.Address), line.String("wallet_hash"));
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Warning, line.Level);
    }

    [Fact]
    public async Task Signature_format_rules()
    {
        Strict.Clock.Set(Now);
        var message = Message();
        await Strict.SeedNonceAsync(message.Nonce);
        var text = message.ToString();
        var good = Hardhat.Account0.Sign(text);

        var cases = new (string Signature, string Reason)[]
        {
            (good[..^2], SiweSignature.Malformed),                      // 64-byte compact form
            (good + "00", SiweSignature.Malformed),                     // 66 bytes
            ("0x" + new string('z', 130), SiweSignature.Malformed),     // not hex
            (good[2..] + "00", SiweSignature.Malformed),                // no 0x
            (good[..^2] + "1d", SiweSignature.BadV),                    // v = 29
            (good[..^2] + "02", SiweSignature.BadV),                    // v = 2
            ("0x" + new string('0', 64) + good[66..], SiweSignature.Malformed),  // r = 0
            ("0x" + good[2..66] + new string('0', 64) + good[^2..], SiweSignature.Malformed),  // s = 0
            ("0x" + "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141" + good[66..], SiweSignature.Malformed),  // r = n
        };
        foreach (var (signature, reason) in cases)
        {
            await AuthAssert.SiweRejectedAsync(Strict, await Strict.PostSiweAsync(text, signature), reason);
        }

        // None of these consumed the nonce.
        await AuthAssert.SignedInAsync(await Strict.PostSiweAsync(text, good));
    }

    [Fact]
    public async Task Every_failure_looks_the_same()
    {
        Strict.Clock.Set(Now);
        var failures = new[]
        {
            await Strict.SeedAndSignInAsync(Message() with { Domain = "evil.example" }),
            await Strict.SeedAndSignInAsync(Message(), Hardhat.Account1),
            await Strict.SignInAsync(Message()),
        };

        var perRequest = new HashSet<string>(["X-Request-Id", "traceparent", "x-trace-id", "x-span-id", "Date", "X-Response-Time"], StringComparer.OrdinalIgnoreCase);
        string Shape(HttpResponseMessage response) => string.Join(",",
            response.Headers.Concat(response.Content.Headers)
                .Where(h => !perRequest.Contains(h.Key))
                .Select(h => h.Key + "=" + string.Join(";", h.Value)).Order(StringComparer.Ordinal));
        Assert.All(failures, f => Assert.Equal(HttpStatusCode.Unauthorized, f.StatusCode));
        Assert.True(failures.Select(Shape).Distinct().Count() == 1, string.Join("\n", failures.Select(Shape)));
        var bodies = await Task.WhenAll(failures.Select(f => f.Content.ReadAsStringAsync()));
        Assert.All(bodies, body => Assert.Equal(AuthAssert.SiweFailedBody, body));
    }
}
