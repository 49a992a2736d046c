using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Dixie.Bff.Tests.Auth;

/// <summary>
/// JWTs assembled by hand (base64url, HMAC-SHA256 or P-256 ECDSA from the platform), so the attack
/// tests do not depend on the library the service validates with.
/// </summary>
public static class TestJwt
{
    public static string Encode(JsonNode node) => Base64Url(Encoding.UTF8.GetBytes(node.ToJsonString()));

    public static string Base64Url(ReadOnlySpan<byte> bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static byte[] FromBase64Url(string text)
    {
        var padded = text.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(padded + new string('=', (4 - padded.Length % 4) % 4));
    }

    public static JsonElement Part(string token, int index) => JsonDocument.Parse(FromBase64Url(token.Split('.')[index])).RootElement;

    /// <summary>The claims the service issues, for a wallet, around <paramref name="issuedAt"/>.</summary>
    public static JsonObject Claims(string wallet, DateTimeOffset issuedAt, int ttlSeconds = 3600)
    {
        var iat = issuedAt.ToUnixTimeSeconds();
        return new JsonObject
        {
            ["sub"] = wallet,
            ["iss"] = "dixie-bff",
            ["aud"] = "dixie-bff",
            ["iat"] = iat,
            ["nbf"] = iat,
            ["exp"] = iat + ttlSeconds,
            ["role"] = "team",
            ["jti"] = Guid.NewGuid().ToString(),
        };
    }

    public static string Hs256(JsonObject payload, byte[] key, JsonObject? header = null)
    {
        var signingInput = Encode(header ?? new JsonObject { ["alg"] = "HS256", ["typ"] = "JWT" }) + "." + Encode(payload);
        return signingInput + "." + Base64Url(HMACSHA256.HashData(key, Encoding.ASCII.GetBytes(signingInput)));
    }

    public static string Es256(JsonObject payload, ECDsa key, string? kid, JsonObject? header = null)
    {
        header ??= new JsonObject { ["alg"] = "ES256", ["typ"] = "JWT" };
        if (kid is not null) header["kid"] = kid;
        var signingInput = Encode(header) + "." + Encode(payload);
        return signingInput + "." + Base64Url(key.SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation));
    }

    public static string Unsigned(JsonObject payload, string alg) =>
        Encode(new JsonObject { ["alg"] = alg, ["typ"] = "JWT" }) + "." + Encode(payload) + ".";

    /// <summary>The P-256 key whose private scalar is 1: its public point is the curve's generator (spec 04 §9).</summary>
    public static ECDsa ScalarOneKey()
    {
        var d = new byte[32];
        d[31] = 1;
        return ECDsa.Create(new ECParameters
        {
            Curve = ECCurve.NamedCurves.nistP256,
            D = d,
            Q = new ECPoint { X = FromBase64Url(GoldenVectors.ScalarOneX), Y = FromBase64Url(GoldenVectors.ScalarOneY) },
        });
    }
}
