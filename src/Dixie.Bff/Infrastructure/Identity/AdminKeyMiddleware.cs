using Dixie.Bff.Infrastructure.Configuration;
using Dixie.Bff.Infrastructure.Http;
using Dixie.Bff.Infrastructure.Logging;

namespace Dixie.Bff.Infrastructure.Identity;

/// <summary>
/// Stage 15 (spec 02 §12.1): every admin-key route needs the configured admin key. The
/// authentication stage compared the key and left `admin` or the reason it failed; this stage
/// answers for the failures. Fails closed when no key is configured.
/// </summary>
public sealed partial class AdminKeyMiddleware(RequestDelegate next, DixieConfig config, ILogger<AdminKeyMiddleware> logger)
{
    private readonly bool _configured = config.Access.AdminKey is not null;

    public async Task InvokeAsync(HttpContext context)
    {
        if (!AdminKeyRoutes.Matches(context.Request))
        {
            await next(context);
            return;
        }
        if (!_configured)
        {
            LogAdminAuthFailed(logger, "not_configured", RouteOf(context));
            await ApiErrors.WriteAsync(context, StatusCodes.Status403Forbidden, "forbidden", "Admin API not configured");
            return;
        }
        var identity = RequestIdentity.Of(context);
        if (identity.Kind == IdentityKind.Admin)
        {
            await next(context);
            return;
        }
        if (identity.Credential == "admin_key_missing")
        {
            LogAdminAuthFailed(logger, "missing", RouteOf(context));
            context.Response.Headers.WWWAuthenticate = AllowlistGate.Challenge;
            await ApiErrors.WriteAsync(context, StatusCodes.Status401Unauthorized, "unauthorized", "Admin key required");
            return;
        }
        LogAdminAuthFailed(logger, "invalid", RouteOf(context));
        await ApiErrors.WriteAsync(context, StatusCodes.Status403Forbidden, "forbidden", "Invalid admin key");
    }

    /// <summary>The route template, or for an unmatched path the path itself with any wallet redacted.</summary>
    private static string RouteOf(HttpContext context) =>
        (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? Redaction.Redact(context.Request.Path.Value ?? "/");

    [LoggerMessage(EventId = 1500, EventName = LogEvents.AdminAuthFailed, Level = LogLevel.Warning,
        Message = "Admin authentication failed ({Reason}) on {Route}")]
    private static partial void LogAdminAuthFailed(ILogger logger, string reason, string route);
}
