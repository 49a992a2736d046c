using Dixie.Bff.Infrastructure.Configuration;
using Microsoft.Net.Http.Headers;

namespace Dixie.Bff.Infrastructure.Http;

/// <summary>Stage 4 (spec 02 §5): the common response headers, set through OnStarting so errors get them too.</summary>
public sealed class SecurityHeadersMiddleware(RequestDelegate next, DixieConfig config)
{
    private readonly bool _isDevelopment = config.Environment == DixieEnvironment.Development;

    public Task InvokeAsync(HttpContext context)
    {
        context.Response.OnStarting(static state =>
        {
            var (ctx, isDevelopment) = ((HttpContext, bool))state;
            var headers = ctx.Response.Headers;
            headers.ContentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; connect-src 'self' wss:";
            // Plain http in development is the local stack; browsers would pin HSTS to localhost otherwise.
            if (!(isDevelopment && ctx.Request.Scheme == "http"))
                headers.StrictTransportSecurity = "max-age=31536000; includeSubDomains";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "strict-origin-when-cross-origin";
            headers["Cross-Origin-Resource-Policy"] = "same-origin";
            headers["Cross-Origin-Opener-Policy"] = "same-origin";
            headers["Origin-Agent-Cluster"] = "?1";
            headers.XContentTypeOptions = "nosniff";
            headers["X-DNS-Prefetch-Control"] = "off";
            headers["X-Download-Options"] = "noopen";
            headers["X-Permitted-Cross-Domain-Policies"] = "none";
            headers.XXSSProtection = "0";
            headers["X-Protocol-Version"] = "8.2.0";
            if (ctx.Request.Path.StartsWithSegments("/api"))
            {
                if (!headers.ContainsKey(HeaderNames.CacheControl)) headers.CacheControl = "no-store";
                if (!headers.Vary.Any(v => v is not null && v.Contains("Origin", StringComparison.OrdinalIgnoreCase)))
                    headers.Append(HeaderNames.Vary, "Origin");
            }
            return Task.CompletedTask;
        }, (context, _isDevelopment));
        return next(context);
    }
}
