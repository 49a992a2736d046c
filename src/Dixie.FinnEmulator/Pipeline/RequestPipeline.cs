using System.Diagnostics;
using Dixie.FinnEmulator.Admin;
using Dixie.FinnEmulator.Faults;
using Microsoft.Extensions.Primitives;

namespace Dixie.FinnEmulator.Pipeline;

/// <summary>
/// The per-request order of spec 11 §2: record → header or process-wide fault → bearer → handler.
/// <c>/healthz</c> and <c>/_emulator/*</c> go straight to their handlers, touching nothing shared.
/// </summary>
public sealed class RequestPipeline(RequestDelegate next, RequestLog log, Counters counters, ProcessFaults faults,
    BearerGate bearer, TimeProvider clock, ILogger<RequestPipeline> logger)
{
    private static readonly byte[] TextMarker = "[[fault:"u8.ToArray();
    private readonly Counter _notFound = counters.For("404");

    public async Task InvokeAsync(HttpContext context)
    {
        var route = context.GetEndpoint()?.Metadata.GetMetadata<EmulatorRoute>();
        if (route is { Kind: RouteKind.Open })
        {
            await next(context);
            return;
        }
        var path = context.Request.Path.Value ?? "/";
        if (route is null && (path == "/healthz" || context.Request.Path.StartsWithSegments("/_emulator")))
        {
            await FinnResponses.WriteNotFoundAsync(context);
            return;
        }
        if (route is { Kind: RouteKind.WebSocket } && !context.WebSockets.IsWebSocketRequest)
        {
            route = null;
        }
        (route?.Counter ?? _notFound).Increment();
        if (route is { Kind: RouteKind.WebSocket })
        {
            await UpgradeAsync(context, path);
            return;
        }

        var started = Stopwatch.GetTimestamp();
        var entry = new HttpEntry(clock.GetUtcNow(), context.Request.Method, path, Query(context),
            CaptureHeaders(context.Request.Headers), RemoteIp(context));
        try
        {
            var body = await BufferedBody.ReadAsync(context.Request);
            if (body.Bytes.Length > 0)
            {
                context.Features.Set(body);
                entry.BodyTruncated = body.Bytes.Length > LogEntry.CaptureLimit;
                entry.Body = entry.BodyTruncated ? body.Bytes[..LogEntry.CaptureLimit] : body.Bytes;
            }
            log.Append(entry);
            // Set before the first byte leaves, so a client that reads the log right after its answer
            // finds the entry complete; the finally block still records an abort.
            context.Response.OnStarting(() =>
            {
                entry.Status = context.Response.StatusCode;
                entry.DurationMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                return Task.CompletedTask;
            });
            await HandleAsync(context, route, path, body);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away; there is no one to answer.
        }
        finally
        {
            entry.DurationMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            entry.Status = context.RequestAborted.IsCancellationRequested ? 0 : context.Response.StatusCode;
            if (entry.Seq == 0)
            {
                log.Append(entry);
            }
            Hosting.EmulatorLog.Request(logger, entry.Seq, context.Request.Method, path, entry.Status);
        }
    }

    private async Task HandleAsync(HttpContext context, EmulatorRoute? route, string path, BufferedBody body)
    {
        // A directive in the text wins over the process-wide setting, and such a request does not
        // move the ratio accumulator; the handler applies it after its own checks.
        // An invalid header directive answers 400 without drawing on the process-wide fault's count.
        var header = HeaderDirective(context, out var invalid);
        if (invalid)
        {
            await HttpFaults.WriteInvalidAsync(context);
            return;
        }
        var directive = header
            ?? (route is { CarriesText: true } && body.Bytes.AsSpan().IndexOf(TextMarker) >= 0 ? null : faults.Next(path));
        if (directive is not null && await HttpFaults.ApplyAsync(context, directive))
        {
            return;
        }
        if (context.Request.Path.StartsWithSegments("/api"))
        {
            var verdict = bearer.Check(context.Request.Headers.Authorization.ToString() is { Length: > 0 } a ? a : null);
            if (verdict != BearerVerdict.Allowed)
            {
                var code = verdict == BearerVerdict.Required ? "AUTH_REQUIRED" : "AUTH_INVALID";
                await FinnResponses.WriteErrorAsync(context, StatusCodes.Status401Unauthorized, "Unauthorized", code);
                return;
            }
        }
        if (route is null)
        {
            await FinnResponses.WriteNotFoundAsync(context);
            return;
        }
        await next(context);
    }

    private async Task UpgradeAsync(HttpContext context, string path)
    {
        var entry = new WsUpgradeEntry(clock.GetUtcNow(), path, Query(context), CaptureHeaders(context.Request.Headers), RemoteIp(context));
        log.Append(entry);
        context.Features.Set(entry);
        var header = HeaderDirective(context, out var invalid);
        var directive = invalid ? null : header ?? faults.Next(path);
        if (invalid)
        {
            entry.Outcome = "rejected:400";
            await HttpFaults.WriteInvalidAsync(context);
            return;
        }
        if (directive is not null && await HttpFaults.ApplyAsync(context, directive))
        {
            entry.Outcome = context.RequestAborted.IsCancellationRequested ? "aborted" : $"rejected:{context.Response.StatusCode}";
            return;
        }
        await next(context);
    }

    private static FaultDirective? HeaderDirective(HttpContext context, out bool invalid)
    {
        invalid = false;
        if (!context.Request.Headers.TryGetValue(HttpFaults.HeaderName, out var value))
        {
            return null;
        }
        if (FaultDirective.TryParse(value.ToString(), out var directive))
        {
            return directive;
        }
        invalid = true;
        return null;
    }

    private static string Query(HttpContext context) =>
        context.Request.QueryString.Value is { Length: > 1 } q ? q[1..] : "";

    private static string RemoteIp(HttpContext context) => context.Connection.RemoteIpAddress?.ToString() ?? "";

    private static KeyValuePair<string, StringValues>[] CaptureHeaders(IHeaderDictionary headers)
    {
        var captured = new KeyValuePair<string, StringValues>[headers.Count];
        var i = 0;
        foreach (var header in headers)
        {
            if (i == captured.Length)
            {
                break;
            }
            captured[i++] = header;
        }
        return i == captured.Length ? captured : captured[..i];
    }
}
