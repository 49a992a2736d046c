using System.Text.RegularExpressions;
using Dixie.Bff.Infrastructure.Logging;

namespace Dixie.Bff.Infrastructure.Http;

/// <summary>Stage 2 (spec 02 §3): a validated client id or a fresh UUID v4, echoed on every response.</summary>
public sealed partial class RequestIdMiddleware(RequestDelegate next)
{
    public const string HeaderName = "X-Request-Id";

    // \A…\z: `$` would accept a trailing newline.
    [GeneratedRegex(@"\A[A-Za-z0-9._:\-]{1,128}\z")]
    private static partial Regex ValidId();

    public Task InvokeAsync(HttpContext context)
    {
        var offered = context.Request.Headers[HeaderName];
        var id = offered.Count == 1 && offered[0] is { } value && ValidId().IsMatch(value)
            ? value
            : Guid.NewGuid().ToString("D");
        context.TraceIdentifier = id;
        RequestContext.RequestId = id;
        context.Response.OnStarting(static state =>
        {
            var ctx = (HttpContext)state;
            ctx.Response.Headers[HeaderName] = ctx.TraceIdentifier;
            return Task.CompletedTask;
        }, context);
        return next(context);
    }
}
