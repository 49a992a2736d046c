using Dixie.Bff.Infrastructure.Configuration;
using Dixie.Bff.Infrastructure.Http;
using Dixie.Bff.Infrastructure.Logging;

namespace Dixie.Bff.Infrastructure.Identity;

/// <summary>
/// Stage 15 (spec 02 §12.1): every admin-key route needs the configured admin key. Fails closed
/// when none is configured. On success the request's identity is `admin`.
/// </summary>
public sealed partial class AdminKeyMiddleware(RequestDelegate next, DixieConfig config, ILogger<AdminKeyMiddleware> logger)
{
    private const string Challenge = "Bearer realm=\"dixie-bff\"";
    private readonly AdminKey? _key = config.Access.AdminKey is { } key ? new AdminKey(key) : null;

    public async Task InvokeAsync(HttpContext context)
    {
        if (!AdminKeyRoutes.Matches(context.Request))
        {
            await next(context);
            return;
        }
        if (_key is null)
        {
            LogAdminAuthFailed(logger, "not_configured", RouteOf(context));
            await ApiErrors.WriteAsync(context, StatusCodes.Status403Forbidden, "forbidden", "Admin API not configured");
            return;
        }
        var presented = AdminKey.Presented(context.Request.Headers.Authorization);
        if (presented.Length == 0)
        {
            context.Features.Set(Anonymous("admin_key_missing"));
            LogAdminAuthFailed(logger, "missing", RouteOf(context));
            context.Response.Headers.WWWAuthenticate = Challenge;
            await ApiErrors.WriteAsync(context, StatusCodes.Status401Unauthorized, "unauthorized", "Admin key required");
            return;
        }
        if (!_key.Matches(presented))
        {
            context.Features.Set(Anonymous("admin_key_invalid"));
            LogAdminAuthFailed(logger, "invalid", RouteOf(context));
            await ApiErrors.WriteAsync(context, StatusCodes.Status403Forbidden, "forbidden", "Invalid admin key");
            return;
        }
        context.Features.Set(Admin);
        await next(context);
    }

    private static readonly RequestIdentity Admin = new() { Kind = IdentityKind.Admin, Credential = "valid" };

    private static RequestIdentity Anonymous(string credential) => new() { Kind = IdentityKind.Anonymous, Credential = credential };

    /// <summary>The route template, or for an unmatched path the path itself with any wallet redacted.</summary>
    private static string RouteOf(HttpContext context) =>
        (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? Redaction.Redact(context.Request.Path.Value ?? "/");

    [LoggerMessage(EventId = 1500, EventName = LogEvents.AdminAuthFailed, Level = LogLevel.Warning,
        Message = "Admin authentication failed ({Reason}) on {Route}")]
    private static partial void LogAdminAuthFailed(ILogger logger, string reason, string route);
}
