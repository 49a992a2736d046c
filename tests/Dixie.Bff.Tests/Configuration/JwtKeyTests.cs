using System.Security.Cryptography;
using Dixie.Bff.Infrastructure.Configuration;

namespace Dixie.Bff.Tests.Configuration;

public sealed class JwtKeyTests
{
    private const string Variable = "DIXIE_JWT_PRIVATE_KEY";

    private static TestEnvironment WithKey(string key, string? alg = null)
    {
        var environment = TestEnvironment.Valid().With(Variable, key);
        return alg is null ? environment : environment.With("DIXIE_JWT_ALG", alg);
    }

    private static string P256Pkcs8()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return key.ExportPkcs8PrivateKeyPem();
    }

    [Fact]
    public void Hs256_key_of_31_characters_is_refused_with_its_length()
    {
        var reason = WithKey(new string('k', 31)).LoadSingleProblem(Variable);
        Assert.StartsWith("HS256 key must be at least 32 characters (has 31)", reason, StringComparison.Ordinal);
        Assert.Contains("openssl rand -hex 32", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Hs256_key_of_32_characters_is_accepted()
    {
        var config = WithKey(new string('k', 32)).LoadValid();
        Assert.Equal(JwtAlgorithm.HS256, config.Auth.JwtAlgorithm);
    }

    [Fact]
    public void Hex_secret_is_kept_as_text_not_decoded()
    {
        var hex = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        var config = WithKey(hex).LoadValid();
        // The HMAC key is the UTF-8 text: 64 bytes, as the existing service signed with.
        Assert.Equal(hex, config.Auth.JwtPrivateKey);
        Assert.Equal(64, System.Text.Encoding.UTF8.GetByteCount(config.Auth.JwtPrivateKey));
    }

    [Fact]
    public void Secret_is_used_verbatim_without_trimming()
    {
        var key = "  " + new string('k', 32);
        var config = WithKey(key).LoadValid();
        Assert.Equal(key, config.Auth.JwtPrivateKey);
    }

    [Fact]
    public void Pkcs8_p256_key_is_detected_as_es256_and_imported()
    {
        var pem = P256Pkcs8();
        var config = WithKey(pem).LoadValid();
        Assert.Equal(JwtAlgorithm.ES256, config.Auth.JwtAlgorithm);
        Assert.Equal(pem, config.Auth.JwtPrivateKey);
    }

    [Fact]
    public void Pkcs8_key_on_one_line_with_escaped_newlines_is_accepted()
    {
        var pem = P256Pkcs8();
        var escaped = pem.Replace("\n", "\\n", StringComparison.Ordinal);
        var config = WithKey(escaped).LoadValid();
        Assert.Equal(JwtAlgorithm.ES256, config.Auth.JwtAlgorithm);
        Assert.Equal(pem, config.Auth.JwtPrivateKey);
    }

    [Fact]
    public void Explicit_es256_with_pkcs8_key_is_accepted()
    {
        var config = WithKey(P256Pkcs8(), "es256").LoadValid();
        Assert.Equal(JwtAlgorithm.ES256, config.Auth.JwtAlgorithm);
    }

    [Fact]
    public void Sec1_key_is_refused_with_the_conversion_command()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var reason = WithKey(key.ExportECPrivateKeyPem()).LoadSingleProblem(Variable);
        Assert.Contains("SEC1", reason, StringComparison.Ordinal);
        Assert.Contains("openssl pkcs8 -topk8 -nocrypt -in key.pem -out key-pkcs8.pem", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Encrypted_pkcs8_key_is_refused_with_the_decryption_command()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var pem = key.ExportEncryptedPkcs8PrivateKeyPem("pass".AsSpan(),
            new PbeParameters(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, 1000));
        var reason = WithKey(pem).LoadSingleProblem(Variable);
        Assert.Contains("encrypted", reason, StringComparison.Ordinal);
        Assert.Contains("openssl pkey", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void P384_key_is_refused()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        var reason = WithKey(key.ExportPkcs8PrivateKeyPem()).LoadSingleProblem(Variable);
        Assert.Contains("ES256 needs P-256", reason, StringComparison.Ordinal);
        Assert.Contains("openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Rsa_key_is_refused()
    {
        using var key = RSA.Create(2048);
        var reason = WithKey(key.ExportPkcs8PrivateKeyPem()).LoadSingleProblem(Variable);
        Assert.Contains("not an EC private key", reason, StringComparison.Ordinal);
        Assert.Contains("openssl genpkey", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Non_pem_text_with_es256_is_refused()
    {
        var reason = WithKey(new string('k', 40), "ES256").LoadSingleProblem(Variable);
        Assert.Contains("needs an unencrypted PKCS#8 PEM key", reason, StringComparison.Ordinal);
        Assert.Contains("openssl genpkey", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Damaged_pem_body_is_refused()
    {
        var reason = WithKey("-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n").LoadSingleProblem(Variable);
        Assert.Contains("not an EC private key", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Two_pem_blocks_are_refused()
    {
        var reason = WithKey(P256Pkcs8() + P256Pkcs8()).LoadSingleProblem(Variable);
        Assert.Contains("exactly one PEM block (has 2)", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Pem_key_with_hs256_is_refused_as_an_hmac_secret()
    {
        var reason = WithKey(P256Pkcs8(), "HS256").LoadSingleProblem(Variable);
        Assert.Contains("must not be used as an HMAC secret", reason, StringComparison.Ordinal);
        Assert.Contains("DIXIE_JWT_ALG=ES256", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Public_key_pem_is_refused_as_a_signing_key()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var reason = WithKey(key.ExportSubjectPublicKeyInfoPem()).LoadSingleProblem(Variable);
        Assert.Contains("not a private key", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_algorithm_is_a_problem()
    {
        var reason = WithKey(TestEnvironment.HmacKey, "RS256").LoadSingleProblem("DIXIE_JWT_ALG");
        Assert.Equal("must be one of HS256, ES256 (got \"RS256\")", reason);
    }

    [Fact]
    public void An_unknown_algorithm_does_not_hide_the_key_problem()
    {
        var result = WithKey("short-key", "RS256").Load();
        Assert.Equal(["DIXIE_JWT_ALG", Variable], result.Problems.Select(p => p.Variable).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Key_is_required_in_every_environment()
    {
        foreach (var environment in new[] { "development", "test", "staging", "production" })
        {
            var result = TestEnvironment.Valid().With("DIXIE_ENV", environment).With("DIXIE_ADMIN_KEY", new string('a', 16))
                .Without(Variable).Load();
            Assert.Contains(result.Problems, problem => problem.Variable == Variable && problem.Reason.StartsWith("required", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void Placeholder_key_is_refused_only_in_production()
    {
        var key = "change-me-" + new string('k', 32);
        Assert.Equal(JwtAlgorithm.HS256, WithKey(key).With("DIXIE_ENV", "staging").LoadValid().Auth.JwtAlgorithm);
        var reason = WithKey(key).With("DIXIE_ENV", "production").With("DIXIE_ADMIN_KEY", new string('a', 16)).LoadSingleProblem(Variable);
        Assert.Contains("placeholder", reason, StringComparison.Ordinal);
    }
}
