using Dixie.Bff.Infrastructure.Http;
using Dixie.Bff.Infrastructure.Identity;

namespace Dixie.Bff.Infrastructure.Startup;

/// <summary>
/// Stage 10 (spec 02 §13.4): until migrations have completed only the health report, the probes and
/// the metrics answer; everything else, WebSocket upgrades included, is 503 `starting`.
/// </summary>
public sealed class StartupGateMiddleware(RequestDelegate next, StartupState state)
{
    public Task InvokeAsync(HttpContext context)
    {
        if (state.IsMigrated || IsExempt(context.Request)) return next(context);
        context.Response.Headers.RetryAfter = "1";
        return ApiErrors.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, "starting",
            "Service is starting: database migrations in progress");
    }

    private static bool IsExempt(HttpRequest request)
    {
        var path = request.Path;
        return path.StartsWithSegments("/healthz") || path.Equals("/metrics", StringComparison.OrdinalIgnoreCase)
            || GateRoutes.IsHealthReport(request);
    }
}
