using Dixie.Bff.Infrastructure.Configuration;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Dixie.Bff.Features.Auth;

/// <summary>A freshly signed token with the values other code needs without parsing it again.</summary>
public sealed record IssuedToken(string Token, string Jti, DateTimeOffset IssuedAt, DateTimeOffset ExpiresAt);

/// <summary>
/// Issues the session JWTs of spec 04 §4.2: `sub` the EIP-55 wallet, `iss`/`aud` `dixie-bff`,
/// whole-second `iat`/`nbf`, `exp` = `iat` + `DIXIE_JWT_TTL_SECONDS`, `role` `team`, a random v4 `jti`.
/// </summary>
public sealed class TokenIssuer(JwtKeys keys, DixieConfig config, TimeProvider time)
{
    public const string Issuer = "dixie-bff";
    public const string Audience = "dixie-bff";
    public const string Role = "team";

    private static readonly JsonWebTokenHandler Handler = new() { SetDefaultTimesOnTokenCreation = false };

    public int TtlSeconds { get; } = config.Auth.JwtTtlSeconds;

    public IssuedToken Issue(string checksummedWallet)
    {
        var issuedAt = DateTimeOffset.FromUnixTimeSeconds(time.GetUtcNow().ToUnixTimeSeconds());
        var expiresAt = issuedAt.AddSeconds(TtlSeconds);
        var jti = Guid.NewGuid().ToString("D");
        var token = Handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = Audience,
            IssuedAt = issuedAt.UtcDateTime,
            NotBefore = issuedAt.UtcDateTime,
            Expires = expiresAt.UtcDateTime,
            TokenType = "JWT",
            Claims = new Dictionary<string, object>
            {
                [JwtRegisteredClaimNames.Sub] = checksummedWallet,
                ["role"] = Role,
                [JwtRegisteredClaimNames.Jti] = jti,
            },
            SigningCredentials = keys.SigningCredentials,
        });
        return new IssuedToken(token, jti, issuedAt, expiresAt);
    }

    /// <summary>The `expiresIn` text of spec 04 §3.5: whole hours, else whole minutes, else seconds.</summary>
    public static string ExpiresIn(int seconds) =>
        seconds % 3600 == 0 ? $"{seconds / 3600}h" : seconds % 60 == 0 ? $"{seconds / 60}m" : $"{seconds}s";
}
