using System.Diagnostics;
using Dixie.Bff.Features.Allowlist;
using Dixie.Bff.Features.Auth;
using Dixie.Bff.Infrastructure.Configuration;
using Dixie.Bff.Infrastructure.Telemetry;

namespace Dixie.Bff.Infrastructure.Identity;

/// <summary>
/// Stage 12 (spec 02 §9.2, spec 04 §1.2): turns the `Authorization` header of an `/api` request
/// into the one <see cref="RequestIdentity"/>. It never answers a request; the rate limiter, the
/// allowlist gate and the admin-key check read the identity it leaves behind.
/// </summary>
public sealed class AuthenticationMiddleware(RequestDelegate next, DixieConfig config, CurrentAllowlist allowlist, TokenValidator tokens)
{
    private readonly AdminKey? _adminKey = config.Access.AdminKey is { } key ? new AdminKey(key) : null;

    public async Task InvokeAsync(HttpContext context)
    {
        if (context.Request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase))
        {
            var identity = await IdentifyAsync(context);
            context.Features.Set(identity);
        }
        await next(context);
    }

    private async ValueTask<RequestIdentity> IdentifyAsync(HttpContext context)
    {
        var authorization = context.Request.Headers.Authorization;
        // Admin-key routes take only the admin key: no JWT or API-key handling, so no spurious JWT warnings.
        if (AdminKeyRoutes.Matches(context.Request))
        {
            var presented = AdminKey.Presented(authorization);
            if (presented.Length == 0) return Anonymous("admin_key_missing");
            using var span = StartSpan();
            var admitted = _adminKey?.Matches(presented) == true;
            SpanSanitizer.SetSanitized(span, "auth_type", admitted ? "admin_key" : "unknown_key");
            return admitted ? Admin : Anonymous("admin_key_invalid");
        }

        if (string.IsNullOrEmpty(authorization.ToString())) return RequestIdentity.Anonymous;
        if (!BearerCredential.TryRead(context.Request, out var credential)) return Anonymous("invalid_token");
        using var activity = StartSpan();
        // The /api/auth handlers read the bearer too (introspection, logout of a revoked token) and log
        // its failure themselves; the identity here still keys their rate limit (spec 02 §9.2, §10.2).
        var logFailure = !context.Request.Path.StartsWithSegments("/api/auth", StringComparison.OrdinalIgnoreCase);
        var identity = await IdentifyBearerAsync(credential, logFailure, context.RequestAborted);
        SpanSanitizer.SetSanitized(activity, "auth_type", SpanAuthType(identity.Identity, identity.FailureClass));
        if (identity.Identity.Wallet is { } wallet) SpanSanitizer.SetSanitized(activity, "wallet", wallet);
        return identity.Identity;
    }

    private async ValueTask<(RequestIdentity Identity, string? FailureClass)> IdentifyBearerAsync(string credential, bool logFailure,
        CancellationToken cancellationToken)
    {
        if (_adminKey?.Matches(credential) == true) return (Admin, null);
        if (credential.StartsWith("dxk_", StringComparison.Ordinal))
        {
            return allowlist.Snapshot.MatchesApiKey(credential)
                ? (new RequestIdentity { Kind = IdentityKind.ApiKey, ApiKeyId = credential[..Math.Min(12, credential.Length)], Credential = "valid" }, null)
                : (Anonymous("unlisted_api_key"), "unknown_key");
        }
        var check = await tokens.ValidateAsync(credential, acceptRevoked: false, cancellationToken, logFailure);
        return check.Identity is { } wallet ? (wallet, null) : (Anonymous("invalid_token"), check.ErrorType);
    }

    private static Activity? StartSpan() => DixieTelemetry.Source.StartActivity("dixie.auth");

    private static string SpanAuthType(RequestIdentity identity, string? failureClass) => identity.Kind switch
    {
        IdentityKind.Wallet => "jwt",
        IdentityKind.ApiKey => "api_key",
        IdentityKind.Admin => "admin_key",
        _ => failureClass ?? "malformed",
    };

    private static readonly RequestIdentity Admin = new() { Kind = IdentityKind.Admin, Credential = "valid" };

    private static RequestIdentity Anonymous(string credential) => new() { Kind = IdentityKind.Anonymous, Credential = credential };
}
