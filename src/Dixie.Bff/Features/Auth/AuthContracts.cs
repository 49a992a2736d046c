using System.Text.Json.Serialization;
using Dixie.Bff.Infrastructure.Http;

namespace Dixie.Bff.Features.Auth;

/// <summary>`GET /api/auth/nonce` (spec 04 §2).</summary>
public sealed record NonceResponse(
    [property: JsonPropertyName("nonce")] string Nonce,
    [property: JsonPropertyName("issuedAt")] string IssuedAt,
    [property: JsonPropertyName("expiresAt")] string ExpiresAt);

/// <summary>The body of `POST /api/auth/siwe` (spec 04 §3.1), for the API description; the handler reads it by hand.</summary>
public sealed record SiweRequest(
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("signature")] string Signature);

/// <summary>A successful sign-in (spec 04 §3.5).</summary>
public sealed record SiweResponse(
    [property: JsonPropertyName("token")] string Token,
    [property: JsonPropertyName("wallet")] string Wallet,
    [property: JsonPropertyName("expiresIn")] string ExpiresIn,
    [property: JsonPropertyName("expiresAt")] string ExpiresAt);

/// <summary>`GET /api/auth/verify` (spec 04 §4.4).</summary>
public sealed record VerifyResponse(
    [property: JsonPropertyName("wallet")] string Wallet,
    [property: JsonPropertyName("role")] string Role,
    [property: JsonPropertyName("exp")] long Exp);

/// <summary>`GET /api/auth/.well-known/jwks.json`: one key in ES256 mode, none in HS256 mode.</summary>
public sealed record JwksDocument([property: JsonPropertyName("keys")] IReadOnlyList<JsonWebKeyEntry> Keys);

/// <summary>A public P-256 key; the private scalar `d` has no member here, so it can never be served.</summary>
public sealed record JsonWebKeyEntry(
    [property: JsonPropertyName("kty")] string Kty,
    [property: JsonPropertyName("crv")] string Crv,
    [property: JsonPropertyName("x")] string X,
    [property: JsonPropertyName("y")] string Y,
    [property: JsonPropertyName("alg")] string Alg,
    [property: JsonPropertyName("use")] string Use,
    [property: JsonPropertyName("kid")] string Kid);

/// <summary>The 429 of the nonce endpoint: the D4 shape plus `retry_after` in seconds.</summary>
public sealed record NonceRateLimitedError(string Error, string Message,
    [property: JsonPropertyName("retry_after"), JsonPropertyOrder(1)] int RetryAfter) : ApiError(Error, Message);

/// <summary>Source-generated JSON for the auth contracts, with the same writer settings as the service's other bodies.</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(NonceResponse))]
[JsonSerializable(typeof(SiweRequest))]
[JsonSerializable(typeof(SiweResponse))]
[JsonSerializable(typeof(VerifyResponse))]
[JsonSerializable(typeof(JwksDocument))]
[JsonSerializable(typeof(NonceRateLimitedError))]
public sealed partial class AuthJson : JsonSerializerContext;
