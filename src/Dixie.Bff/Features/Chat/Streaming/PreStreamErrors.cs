using System.Globalization;
using System.Text.Json;
using Dixie.Bff.Infrastructure.Finn;
using Dixie.Bff.Infrastructure.Http;

namespace Dixie.Bff.Features.Chat.Streaming;

/// <summary>
/// JSON answers for failures before an SSE stream starts (spec 05 §3.1). The finn part follows the
/// table of spec 05 §9 and carries `sessionId` when this request created the session.
/// </summary>
internal static class PreStreamErrors
{
    /// <summary>
    /// Spec 05 §9 for the streaming path. Interim: the shared finn error mapper (chat branch) replaces
    /// this method wholesale; its callers pass what that mapper takes.
    /// </summary>
    public static Task WriteFinnFailureAsync(HttpContext context, FinnCallException? failure, int? refusedStatus, string? refusedCode, string? createdSessionId)
    {
        int status;
        string error, message;
        long? retryAfter = null;
        var code = failure?.Code ?? refusedCode;
        switch (failure?.Kind)
        {
            case FinnFailureKind.Circuit:
                (status, error, message) = (503, "circuit_open", "Service temporarily unavailable (circuit breaker open)");
                retryAfter = Math.Max(1, (long)Math.Ceiling((failure.RetryAfter ?? TimeSpan.FromSeconds(1)).TotalSeconds));
                break;
            case FinnFailureKind.Network or FinnFailureKind.Timeout:
                (status, error, message) = (503, "upstream_error", "Backend service unavailable");
                break;
            case FinnFailureKind.Malformed:
                (status, error, message) = (502, "upstream_error", "Invalid response from inference service");
                break;
            default:
                (status, error, message) = code switch
                {
                    "BUDGET_EXCEEDED" => (402, "usage_limit", "Usage limit reached"),
                    "RATE_LIMITED" => (429, "rate_limited", "Too many requests"),
                    "ORACLE_MODEL_UNAVAILABLE" => (503, "service_unavailable", "Oracle temporarily unavailable"),
                    "PROVIDER_UNAVAILABLE" => (502, "service_unavailable", "Service temporarily unavailable"),
                    _ => (502, "upstream_error", $"Upstream error (HTTP {failure?.Status ?? refusedStatus})"),
                };
                if (status == 429) retryAfter = 60;
                break;
        }
        if (retryAfter is { } seconds) context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        return WriteAsync(context, status, error, message, status == 429 ? retryAfter : null, createdSessionId);
    }

    /// <summary>A D4 body with the optional `retry_after` and `sessionId` fields.</summary>
    public static async Task WriteAsync(HttpContext context, int status, string error, string message, long? retryAfter = null, string? sessionId = null)
    {
        if (retryAfter is null && sessionId is null)
        {
            await ApiErrors.WriteAsync(context, status, error, message);
            return;
        }
        context.Response.StatusCode = status;
        context.Response.ContentType = ApiErrors.JsonContentType;
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("error", error);
            json.WriteString("message", message);
            if (retryAfter is { } r) json.WriteNumber("retry_after", r);
            if (sessionId is not null) json.WriteString("sessionId", sessionId);
            json.WriteEndObject();
        }
        await context.Response.Body.WriteAsync(buffer.ToArray(), context.RequestAborted);
    }
}
