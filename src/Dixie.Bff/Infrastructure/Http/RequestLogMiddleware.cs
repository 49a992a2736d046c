using System.Diagnostics;
using Dixie.Bff.Infrastructure.Identity;
using Dixie.Bff.Infrastructure.Logging;

namespace Dixie.Bff.Infrastructure.Http;

/// <summary>
/// Stage 5 (spec 02 §8): `X-Response-Time` when headers go out, and one `http_request` line when the
/// response has completed or the client went away. It wraps error translation, so 413s, preflights
/// and 500s are timed and logged like everything else.
/// </summary>
public sealed class RequestLogMiddleware(RequestDelegate next, ILogger<RequestLogMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var started = Stopwatch.GetTimestamp();
        context.Response.OnStarting(static state =>
        {
            var (ctx, start) = ((HttpContext, long))state;
            ctx.Response.Headers["X-Response-Time"] = $"{(long)Stopwatch.GetElapsedTime(start).TotalMilliseconds}ms";
            return Task.CompletedTask;
        }, (context, started));
        try
        {
            await next(context);
        }
        finally
        {
            Write(context, started);
        }
    }

    private void Write(HttpContext context, long started)
    {
        var aborted = context.RequestAborted.IsCancellationRequested;
        var status = aborted ? 499 : context.Response.StatusCode;
        var level = LevelFor(context.Request, status);
        if (!logger.IsEnabled(level)) return;

        var identity = RequestIdentity.Of(context);
        var entry = new RequestLogEntry
        {
            Method = context.Request.Method,
            Path = context.Request.Path.Value ?? "/",
            Route = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText,
            Status = status,
            LatencyMs = Math.Round(Stopwatch.GetElapsedTime(started).TotalMilliseconds, 3),
            Auth = identity.LogName,
            WalletHash = identity.Wallet is { } wallet ? Redaction.Hash12(wallet) : null,
            ApiKeyId = identity.ApiKeyId,
            Aborted = aborted ? true : null,
        };
        logger.Log(level, new EventId(1, LogEvents.HttpRequest), entry, null, RequestLogEntry.Format);
    }

    internal static LogLevel LevelFor(HttpRequest request, int status)
    {
        if (status >= 500) return LogLevel.Error;
        if (status >= 400) return LogLevel.Warning;
        return IsQuietRoute(request) ? LogLevel.Debug : LogLevel.Information;
    }

    /// <summary>Probes, scrapes, health polls and preflights would flood the log at info.</summary>
    private static bool IsQuietRoute(HttpRequest request)
    {
        var path = request.Path;
        if (HttpMethods.IsOptions(request.Method) && request.Headers.ContainsKey("Access-Control-Request-Method")) return true;
        return path.StartsWithSegments("/healthz") || path.Equals("/metrics", StringComparison.OrdinalIgnoreCase)
            || GateRoutes.IsHealthReport(request);
    }
}

/// <summary>The fields of the request log line, in the order of spec 02 §8 (nulls are omitted).</summary>
internal readonly struct RequestLogEntry : IReadOnlyList<KeyValuePair<string, object?>>
{
    public string Method { get; init; }
    public string Path { get; init; }
    public string? Route { get; init; }
    public int Status { get; init; }
    public double LatencyMs { get; init; }
    public string Auth { get; init; }
    public string? WalletHash { get; init; }
    public string? ApiKeyId { get; init; }
    public bool? Aborted { get; init; }

    public static readonly Func<RequestLogEntry, Exception?, string> Format =
        static (e, _) => $"{e.Method} {e.Path} {e.Status} {e.LatencyMs.ToString(System.Globalization.CultureInfo.InvariantCulture)}ms";

    public int Count => 9;

    public KeyValuePair<string, object?> this[int index] => index switch
    {
        0 => new("method", Method),
        1 => new("path", Path),
        2 => new("route", Route),
        3 => new("status", Status),
        4 => new("latency_ms", LatencyMs),
        5 => new("auth", Auth),
        6 => new("wallet_hash", WalletHash),
        7 => new("api_key_id", ApiKeyId),
        8 => new("aborted", Aborted),
        _ => throw new ArgumentOutOfRangeException(nameof(index)),
    };

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
    {
        for (var i = 0; i < Count; i++) yield return this[i];
    }

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}
