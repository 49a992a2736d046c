using System.Security.Cryptography;
using System.Text;
using Dixie.Bff.Infrastructure.Configuration;
using Microsoft.IdentityModel.Tokens;

namespace Dixie.Bff.Features.Auth;

/// <summary>
/// The one signing key of the deployment and what follows from it (spec 04 §4.1), built once at
/// startup: signing credentials, the verification key, the pinned algorithm and the JWKS document.
/// </summary>
public sealed class JwtKeys
{
    private JwtKeys(string algorithm, SecurityKey key, string? keyId, JwksDocument jwks)
    {
        Algorithm = algorithm;
        VerificationKey = key;
        KeyId = keyId;
        Jwks = jwks;
        SigningCredentials = new SigningCredentials(key, algorithm);
    }

    /// <summary>`HS256` or `ES256`: the only algorithm a token may carry.</summary>
    public string Algorithm { get; }

    public SecurityKey VerificationKey { get; }

    public SigningCredentials SigningCredentials { get; }

    /// <summary>The RFC 7638 thumbprint in ES256 mode (the header's `kid`); null in HS256 mode.</summary>
    public string? KeyId { get; }

    public JwksDocument Jwks { get; }

    public static JwtKeys Create(AuthSettings auth)
    {
        if (auth.JwtAlgorithm == JwtAlgorithm.HS256)
        {
            // The UTF-8 bytes of the whole value, never a hex decoding: the bytes the existing service used.
            return new JwtKeys(SecurityAlgorithms.HmacSha256, new SymmetricSecurityKey(Encoding.UTF8.GetBytes(auth.JwtPrivateKey)), null, new JwksDocument([]));
        }

        var ecdsa = ECDsa.Create();
        ecdsa.ImportFromPem(auth.JwtPrivateKey);
        var publicPoint = ecdsa.ExportParameters(includePrivateParameters: false).Q;
        var x = Base64UrlEncoder.Encode(publicPoint.X);
        var y = Base64UrlEncoder.Encode(publicPoint.Y);
        var kid = Thumbprint(x, y);
        var key = new ECDsaSecurityKey(ecdsa) { KeyId = kid };
        return new JwtKeys(SecurityAlgorithms.EcdsaSha256, key, kid, new JwksDocument([new JsonWebKeyEntry("EC", "P-256", x, y, "ES256", "sig", kid)]));
    }

    /// <summary>RFC 7638: base64url SHA-256 of the required members in lexical order, no whitespace.</summary>
    public static string Thumbprint(string x, string y) =>
        Base64UrlEncoder.Encode(SHA256.HashData(Encoding.UTF8.GetBytes($"{{\"crv\":\"P-256\",\"kty\":\"EC\",\"x\":\"{x}\",\"y\":\"{y}\"}}")));
}
