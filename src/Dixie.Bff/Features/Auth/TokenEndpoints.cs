using Dixie.Bff.Infrastructure.Http;
using Dixie.Bff.Infrastructure.Identity;
using Dixie.Bff.Infrastructure.Logging;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Dixie.Bff.Features.Auth;

/// <summary>Token introspection, the public keys and logout (spec 04 §4.4). These handlers read `Authorization` themselves.</summary>
public static class TokenEndpoints
{
    private const string Challenge = "Bearer realm=\"dixie-bff\"";

    public static async Task<Results<JsonHttpResult<VerifyResponse>, JsonHttpResult<ApiError>>> VerifyAsync(
        HttpContext context, TokenValidator validator, CancellationToken ct)
    {
        if (!BearerCredential.TryRead(context.Request, out var token)) return BearerRequired(context);
        // Authentication (stage 12) validated this very token already; only a failure is checked again, for its log line.
        var identity = RequestIdentity.Of(context) is { Kind: IdentityKind.Wallet } verified ? verified
            : (await validator.ValidateAsync(token, acceptRevoked: false, ct)).Identity;
        if (identity is null) return VerificationFailed(context);
        return TypedResults.Json(new VerifyResponse(identity.Wallet!, TokenIssuer.Role, identity.TokenExpiresAt!.Value.ToUnixTimeSeconds()),
            AuthJson.Default.VerifyResponse);
    }

    public static JsonHttpResult<JwksDocument> Jwks(HttpContext context, JwtKeys keys)
    {
        context.Response.Headers.CacheControl = "max-age=3600, public";
        return TypedResults.Json(keys.Jwks, AuthJson.Default.JwksDocument);
    }

    /// <summary>Revokes the presented token; an already revoked one is accepted, so logout is idempotent.</summary>
    public static async Task<Results<NoContent, JsonHttpResult<ApiError>>> LogoutAsync(
        HttpContext context, TokenValidator validator, RevocationStore revocations, ILogger<TokenValidator> logger, CancellationToken ct)
    {
        if (!BearerCredential.TryRead(context.Request, out var token)) return BearerRequired(context);
        var check = await validator.ValidateAsync(token, acceptRevoked: true, ct);
        if (check.Identity is not { } identity) return VerificationFailed(context);
        await revocations.RevokeTokenAsync(identity.TokenId!, identity.TokenExpiresAt!.Value, ct);
        AuthLog.TokenRevoked(logger, Redaction.Hash12(identity.Wallet!), "logout");
        return TypedResults.NoContent();
    }

    private static JsonHttpResult<ApiError> BearerRequired(HttpContext context)
    {
        context.Response.Headers.WWWAuthenticate = Challenge;
        return ApiErrors.Result(StatusCodes.Status401Unauthorized, "unauthorized", "Bearer token required");
    }

    private static JsonHttpResult<ApiError> VerificationFailed(HttpContext context)
    {
        context.Response.Headers.WWWAuthenticate = Challenge;
        return ApiErrors.Result(StatusCodes.Status401Unauthorized, "invalid_token", "Token verification failed");
    }
}
