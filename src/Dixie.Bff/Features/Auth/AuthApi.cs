using Dixie.Bff.Infrastructure.Http;

namespace Dixie.Bff.Features.Auth;

/// <summary>
/// `/api/auth` (spec 04 §2–§4): exempt from the allowlist gate; each handler checks what it needs.
/// </summary>
public static class AuthApi
{
    public static RouteGroupBuilder MapAuth(this IEndpointRouteBuilder app)
    {
        var auth = app.MapGroup("/api/auth").WithTags("auth");

        auth.MapGet("/nonce", NonceEndpoint.IssueAsync)
            .WithName("GetNonce")
            .WithSummary("Issue a single-use SIWE nonce (300 s, at most 20 outstanding per client IP)")
            .Produces<NonceResponse>(StatusCodes.Status200OK)
            .Produces<NonceRateLimitedError>(StatusCodes.Status429TooManyRequests)
            .Produces<ApiError>(StatusCodes.Status503ServiceUnavailable);

        // No Accepts(): the body is read as JSON whatever its Content-Type (spec 04 §3.1), and an
        // Accepts declaration would make routing answer 415 for other media types.
        auth.MapPost("/siwe", (HttpRequest request, SiweSignIn signIn, CancellationToken ct) => signIn.SignInAsync(request, ct))
            .WithName("SignInWithEthereum")
            .WithSummary("Sign in with an EIP-4361 message and its EIP-191 signature; returns a JWT")
            .AddOpenApiOperationTransformer(async (operation, context, ct) =>
            {
                operation.RequestBody = new Microsoft.OpenApi.OpenApiRequestBody
                {
                    Required = true,
                    Content = new Dictionary<string, Microsoft.OpenApi.OpenApiMediaType>
                    {
                        ["application/json"] = new() { Schema = await context.GetOrCreateSchemaAsync(typeof(SiweRequest), null, ct) },
                    },
                };
            })
            .Produces<SiweResponse>(StatusCodes.Status200OK)
            .Produces<ApiError>(StatusCodes.Status400BadRequest)
            .Produces<ApiError>(StatusCodes.Status401Unauthorized)
            .Produces<ApiError>(StatusCodes.Status403Forbidden)
            .Produces<ApiError>(StatusCodes.Status503ServiceUnavailable);

        auth.MapGet("/verify", TokenEndpoints.VerifyAsync)
            .WithName("VerifyToken")
            .WithSummary("Validate the bearer token (no allowlist check) and return its wallet, role and expiry");

        auth.MapGet("/.well-known/jwks.json", TokenEndpoints.Jwks)
            .WithName("GetJwks")
            .WithSummary("Public verification keys: the ES256 key, or none in HS256 mode");

        auth.MapPost("/logout", TokenEndpoints.LogoutAsync)
            .WithName("Logout")
            .WithSummary("Revoke the bearer token on every instance; idempotent");

        return auth;
    }
}
