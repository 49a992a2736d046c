using System.Diagnostics;
using System.Net.Sockets;
using System.Text.Json;
using Dixie.Bff.Features.Agents.Conviction;
using Dixie.Bff.Features.Governance.Audit;
using Dixie.Bff.Infrastructure.Logging;
using Dixie.Bff.Infrastructure.RateLimiting;
using Dixie.Bff.Infrastructure.Telemetry;
using Microsoft.AspNetCore.WebUtilities;
using Npgsql;

namespace Dixie.Bff.Infrastructure.Http;

/// <summary>
/// Stage 6 (spec 02 §13): every failure leaves as the one JSON error shape. Exceptions are mapped
/// here; body-less 4xx/5xx written inside the application get a body on the way out.
/// </summary>
public sealed partial class ErrorTranslationMiddleware(RequestDelegate next, ILogger<ErrorTranslationMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context);
        }
        catch (Exception ex) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away: nothing can be written; the log line records 499.
            _ = ex;
            return;
        }
        catch (Exception ex)
        {
            if (context.Response.HasStarted)
            {
                // A streamed response cannot change its status any more.
                LogUnhandled(ex, context);
                context.Abort();
                return;
            }
            await TranslateAsync(context, ex);
            return;
        }
        if (context.Response.StatusCode >= 400 && !context.Response.HasStarted && context.Response.ContentLength is null
            && context.Response.ContentType is null)
        {
            await WriteBodyForStatusAsync(context);
        }
    }

    // Written straight into the headers by earlier stages; they describe this request whatever its
    // outcome (spec 02 §10.6: rate-limit headers on every limited answer; §12.2: the caller's tier).
    private static readonly string[] RequestHeadersThatSurvive =
    [
        RateLimitHeaders.Limit, RateLimitHeaders.Remaining, RateLimitHeaders.Policy, RateLimitHeaders.State,
        ConvictionTierHeader.HeaderName,
    ];

    private async Task TranslateAsync(HttpContext context, Exception ex)
    {
        var kept = RequestHeadersThatSurvive
            .Where(name => context.Response.Headers.ContainsKey(name))
            .Select(name => (name, context.Response.Headers[name]))
            .ToList();
        context.Response.Clear();
        foreach (var (name, value) in kept) context.Response.Headers[name] = value;
        switch (ex)
        {
            case PayloadTooLargeException tooLarge:
                await BodySizeLimitMiddleware.PayloadTooLarge(context, tooLarge.Limit);
                return;
            case BadHttpRequestException bad:
                await WriteBadRequestAsync(context, bad);
                return;
            case JsonException:
            case InvalidOperationException when IsInvalidJsonText(ex):
                await ApiErrors.WriteAsync(context, StatusCodes.Status400BadRequest, "invalid_request", "Malformed JSON body");
                return;
            case PostgresException { SqlState: PostgresErrorCodes.CharacterNotInRepertoire or PostgresErrorCodes.UntranslatableCharacter }:
                // PostgreSQL stores no NUL character in text or jsonb; the handlers refuse it where they
                // validate, and this keeps any field they miss a client error rather than a 500.
                await ApiErrors.WriteAsync(context, StatusCodes.Status400BadRequest, "invalid_request", "Text must not contain NUL characters");
                return;
            case AuditUnavailableException:
                await ApiErrors.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, AuditUnavailableException.Code, AuditUnavailableException.PublicMessage);
                return;
        }
        if (IsDatabaseUnavailable(ex))
        {
            context.Response.Headers.RetryAfter = "5";
            await ApiErrors.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, "database_unavailable", "Database unavailable");
            return;
        }
        LogUnhandled(ex, context);
        SpanSanitizer.RecordSanitizedException(Activity.Current, ex);
        await ApiErrors.WriteAsync(context, StatusCodes.Status500InternalServerError,
            new InternalServerError("internal_error", "Internal server error", context.TraceIdentifier));
    }

    /// <summary>Framework binding failures: which kind decides the message, never the parser's text.</summary>
    private static Task WriteBadRequestAsync(HttpContext context, BadHttpRequestException bad)
    {
        var status = bad.StatusCode;
        if (status == StatusCodes.Status413PayloadTooLarge)
            return BodySizeLimitMiddleware.PayloadTooLarge(context, BodySizeLimitMiddleware.LimitFor(context.Request));
        if (status == StatusCodes.Status415UnsupportedMediaType)
            return ApiErrors.WriteAsync(context, status, "unsupported_media_type", "Content-Type must be application/json");
        if (status != StatusCodes.Status400BadRequest)
            return WriteBodyForStatusAsync(context, status);
        var message = !JsonBody.HasBody(context.Request)
            ? "Request body required"
            : bad.InnerException is JsonException || bad.Message.Contains("JSON", StringComparison.OrdinalIgnoreCase)
                ? "Malformed JSON body"
                : BindingName(bad.Message) is { } name ? $"Invalid value for '{name}'" : "Bad request";
        return ApiErrors.WriteAsync(context, StatusCodes.Status400BadRequest, "invalid_request", message);
    }

    /// <summary>The parameter name from "Failed to bind parameter "int id" from "abc"." style messages.</summary>
    private static string? BindingName(string message)
    {
        const string marker = "parameter \"";
        var start = message.IndexOf(marker, StringComparison.Ordinal);
        if (start < 0) return null;
        start += marker.Length;
        var end = message.IndexOf('"', start);
        if (end < 0) return null;
        var declaration = message[start..end];
        var space = declaration.LastIndexOf(' ');
        return space >= 0 ? declaration[(space + 1)..] : declaration;
    }

    /// <summary>
    /// System.Text.Json accepts invalid UTF-8 and lone surrogate escapes (`"\uD800"`) while parsing and
    /// refuses them only when the string is read. Bodies parsed through <see cref="JsonText"/> are checked
    /// at the parse; this catches a read of text parsed elsewhere: still the client's malformed text.
    /// </summary>
    internal static bool IsInvalidJsonText(Exception ex) => ex.TargetSite switch
    {
        { DeclaringType.FullName: "System.Text.Json.ThrowHelper" } thrower => thrower.Name.Contains("UTF16", StringComparison.Ordinal),
        { DeclaringType.FullName: "System.Text.Json.JsonReaderHelper" } => ex.InnerException is System.Text.DecoderFallbackException,
        _ => false,
    };

    internal static bool IsDatabaseUnavailable(Exception ex)
    {
        for (Exception? current = ex; current is not null; current = current.InnerException)
        {
            if (current is NpgsqlException { IsTransient: true }) return true;
            if (current is NpgsqlException && current.InnerException is SocketException or TimeoutException or IOException) return true;
        }
        return false;
    }

    private static Task WriteBodyForStatusAsync(HttpContext context) => WriteBodyForStatusAsync(context, context.Response.StatusCode);

    internal static Task WriteBodyForStatusAsync(HttpContext context, int status) => status switch
    {
        400 => ApiErrors.WriteAsync(context, status, "invalid_request", "Bad request"),
        404 => ApiErrors.WriteAsync(context, status, "not_found", context.GetEndpoint() is null ? "Route not found" : "Not found"),
        405 => ApiErrors.WriteAsync(context, status, "method_not_allowed", "Method not allowed"),
        413 => BodySizeLimitMiddleware.PayloadTooLarge(context, BodySizeLimitMiddleware.LimitFor(context.Request)),
        415 => ApiErrors.WriteAsync(context, status, "unsupported_media_type", "Content-Type must be application/json"),
        _ => ApiErrors.WriteAsync(context, status, $"http_{status}",
            ReasonPhrases.GetReasonPhrase(status) is { Length: > 0 } phrase ? phrase : "Error"),
    };

    private void LogUnhandled(Exception ex, HttpContext context) =>
        LogUnhandledException(logger, ex, context.Request.Method, (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? "-");

    [LoggerMessage(EventId = 2, EventName = LogEvents.UnhandledException, Level = LogLevel.Error,
        Message = "Unhandled exception in {Method} {Route}")]
    private static partial void LogUnhandledException(ILogger logger, Exception ex, string method, string route);
}
