using System.Diagnostics;
using Dixie.Bff.Infrastructure.Telemetry;

namespace Dixie.Bff.Infrastructure.Http;

/// <summary>
/// Stage 3 (spec 02 §4, spec 10 §5.4): names the ASP.NET Core server activity `dixie.request` and
/// returns its real ids on every response, before anything can short-circuit the request.
/// </summary>
public sealed class TraceHeadersMiddleware(RequestDelegate next)
{
    public const string RequestSpanName = "dixie.request";

    public async Task InvokeAsync(HttpContext context)
    {
        var activity = Activity.Current;
        if (activity is not null)
        {
            activity.DisplayName = RequestSpanName;
            context.Response.OnStarting(static state =>
            {
                var (ctx, act) = ((HttpContext, Activity))state;
                var traceId = act.TraceId.ToHexString();
                var spanId = act.SpanId.ToHexString();
                var flags = act.Recorded ? "01" : "00";
                ctx.Response.Headers["traceparent"] = $"00-{traceId}-{spanId}-{flags}";
                ctx.Response.Headers["x-trace-id"] = traceId;
                ctx.Response.Headers["x-span-id"] = spanId;
                return Task.CompletedTask;
            }, (context, activity));
        }
        var started = Stopwatch.GetTimestamp();
        try
        {
            await next(context);
        }
        finally
        {
            if (activity is { IsAllDataRequested: true })
            {
                SpanSanitizer.SetSanitized(activity, "method", context.Request.Method);
                SpanSanitizer.SetSanitized(activity, "url", context.Request.Path.Value);
                SpanSanitizer.SetSanitized(activity, "status_code", context.Response.StatusCode);
                SpanSanitizer.SetSanitized(activity, "duration_ms", Math.Round(Stopwatch.GetElapsedTime(started).TotalMilliseconds, 3));
            }
        }
    }
}
