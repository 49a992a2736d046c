using Dixie.Bff.Infrastructure.Identity;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Dixie.Bff.Features.Auth;

/// <summary>
/// The outcome of validating a bearer token: a wallet identity, or the `error_type` of spec 04 §4.3
/// (`expired`, `not_yet_valid`, `invalid_claims`, `invalid_signature`, `malformed`, `revoked`).
/// </summary>
public sealed record TokenCheck(RequestIdentity? Identity, string? ErrorType);

/// <summary>
/// Validates the session JWTs this deployment issued (spec 04 §4.3), in the spec's order: shape,
/// pinned algorithm and key, `typ`, `iss`/`aud`, lifetime with 30 s skew, `iat`, `sub`/`jti`, and
/// revocation. A failure is logged as `jwt_verification_failed` with its type, never the token.
/// </summary>
public sealed class TokenValidator
{
    public const int MaxTokenLength = 4096;
    public const long MaxLifetimeSeconds = 86_400;
    public static readonly TimeSpan ClockSkew = TimeSpan.FromSeconds(30);

    public const string Expired = "expired";
    public const string NotYetValid = "not_yet_valid";
    public const string InvalidClaims = "invalid_claims";
    public const string InvalidSignature = "invalid_signature";
    public const string Malformed = "malformed";
    public const string Revoked = "revoked";

    private static readonly JsonWebTokenHandler Handler = new() { MapInboundClaims = false };

    private readonly JwtKeys _keys;
    private readonly RevocationStore _revocations;
    private readonly TimeProvider _time;
    private readonly ILogger<TokenValidator> _logger;
    private readonly TokenValidationParameters _parameters;

    public TokenValidator(JwtKeys keys, RevocationStore revocations, TimeProvider time, ILogger<TokenValidator> logger)
    {
        _keys = keys;
        _revocations = revocations;
        _time = time;
        _logger = logger;
        _parameters = new TokenValidationParameters
        {
            // One pinned algorithm and our key only: `alg:none`, algorithm confusion and keys named
            // by `jku`/`x5u`/`jwk` headers all fail here.
            ValidAlgorithms = [keys.Algorithm],
            IssuerSigningKey = keys.VerificationKey,
            RequireSignedTokens = true,
            ValidTypes = ["JWT"],
            ValidIssuer = TokenIssuer.Issuer,
            ValidAudience = TokenIssuer.Audience,
            IgnoreTrailingSlashWhenValidatingAudience = false,
            // The lifetime is checked below against the injected clock, which the library cannot read.
            ValidateLifetime = false,
            RequireExpirationTime = false,
        };
    }

    /// <param name="acceptRevoked">Logout accepts an already revoked token, so that it is idempotent.</param>
    /// <param name="logFailure">False where another reader of the same token logs its failure.</param>
    public async Task<TokenCheck> ValidateAsync(string token, bool acceptRevoked, CancellationToken ct, bool logFailure = true)
    {
        var check = await CheckAsync(token, acceptRevoked, ct);
        if (logFailure && check.ErrorType is { } errorType) AuthLog.JwtVerificationFailed(_logger, errorType);
        return check;
    }

    private async Task<TokenCheck> CheckAsync(string token, bool acceptRevoked, CancellationToken ct)
    {
        // Compact JWS only: three parts (a JWE has five).
        if (token.Length is 0 or > MaxTokenLength || token.Count(c => c == '.') != 2) return Failed(Malformed);
        JsonWebToken jwt;
        try
        {
            jwt = new JsonWebToken(token);
        }
        catch (ArgumentException)
        {
            return Failed(Malformed);
        }
        if (_keys.KeyId is { } kid && !string.Equals(jwt.Kid, kid, StringComparison.Ordinal)) return Failed(InvalidSignature);

        var result = await Handler.ValidateTokenAsync(jwt, _parameters);
        if (!result.IsValid) return Failed(Classify(result.Exception));

        if (!TryReadTime(jwt, JwtRegisteredClaimNames.Exp, out var exp, out var expiresAt)) return Failed(InvalidClaims);
        var now = _time.GetUtcNow();
        if (now > expiresAt + ClockSkew) return Failed(Expired);
        if (jwt.TryGetPayloadValue<object>(JwtRegisteredClaimNames.Nbf, out _))
        {
            if (!TryReadTime(jwt, JwtRegisteredClaimNames.Nbf, out _, out var notBefore)) return Failed(InvalidClaims);
            if (now < notBefore - ClockSkew) return Failed(NotYetValid);
        }
        if (!TryReadTime(jwt, JwtRegisteredClaimNames.Iat, out var iat, out var issuedAt)
            || issuedAt > now + ClockSkew || exp - iat > MaxLifetimeSeconds)
        {
            return Failed(InvalidClaims);
        }
        if (!jwt.TryGetPayloadValue<string>(JwtRegisteredClaimNames.Sub, out var sub) || !WalletAddress.IsChecksummed(sub)
            || !jwt.TryGetPayloadValue<string>(JwtRegisteredClaimNames.Jti, out var jti) || jti is not { Length: >= 1 and <= 64 })
        {
            return Failed(InvalidClaims);
        }

        if (!acceptRevoked && await _revocations.IsRevokedAsync(jti, sub, iat, expiresAt, ct)) return Failed(Revoked);
        return new TokenCheck(new RequestIdentity
        {
            Kind = IdentityKind.Wallet,
            Wallet = sub,
            TokenId = jti,
            TokenExpiresAt = expiresAt,
            Credential = "valid",
        }, null);
    }

    private static TokenCheck Failed(string errorType) => new(null, errorType);

    /// <summary>A NumericDate claim as whole unix seconds within the range a DateTimeOffset can hold.</summary>
    private static bool TryReadTime(JsonWebToken jwt, string claim, out long seconds, out DateTimeOffset time)
    {
        time = default;
        if (!jwt.TryGetPayloadValue(claim, out seconds) || seconds < MinUnixSeconds || seconds > MaxUnixSeconds) return false;
        time = DateTimeOffset.FromUnixTimeSeconds(seconds);
        return true;
    }

    private static readonly long MinUnixSeconds = DateTimeOffset.MinValue.ToUnixTimeSeconds() + 86_400;
    private static readonly long MaxUnixSeconds = DateTimeOffset.MaxValue.ToUnixTimeSeconds() - 86_400;

    private static string Classify(Exception? exception) => exception switch
    {
        SecurityTokenExpiredException => Expired,
        SecurityTokenNotYetValidException => NotYetValid,
        SecurityTokenInvalidTypeException or SecurityTokenInvalidIssuerException or SecurityTokenInvalidAudienceException
            or SecurityTokenNoExpirationException or SecurityTokenInvalidLifetimeException => InvalidClaims,
        SecurityTokenMalformedException or ArgumentException => Malformed,
        _ => InvalidSignature,
    };
}
