using System.Globalization;
using System.Text.Json.Serialization;
using Dixie.Bff.Infrastructure.Http;

namespace Dixie.Bff.Infrastructure.Finn;

/// <summary>
/// What dixie answers for one finn failure (spec 05 §9): status, D4 code and message, and the
/// `Retry-After` seconds when the answer carries one. finn's own message text never appears here.
/// </summary>
public sealed record FinnError(int Status, string Error, string Message, int? RetryAfterSeconds = null)
{
    /// <summary>Rate-limited answers repeat `Retry-After` in the body (spec 02 §10.6).</summary>
    public bool HasRetryAfterInBody => Error == "rate_limited";
}

/// <summary>
/// The one mapper from finn failures to dixie's error answers, shared by chat, sessions, the SSE and
/// WebSocket handshakes and the agent API, so every route answers the same failure the same way.
/// </summary>
public static class FinnErrors
{
    public static readonly FinnError Malformed = new(StatusCodes.Status502BadGateway, "upstream_error", "Invalid response from inference service");
    public static readonly FinnError Unreachable = new(StatusCodes.Status503ServiceUnavailable, "upstream_error", "Backend service unavailable");

    /// <summary>A failure the client raised: breaker refusal, timeout, network, malformed body or an outage status.</summary>
    public static FinnError Map(FinnCallException failure) => failure.Kind switch
    {
        FinnFailureKind.Circuit => CircuitOpen(failure.RetryAfter),
        FinnFailureKind.Malformed => Malformed,
        FinnFailureKind.Network or FinnFailureKind.Timeout => Unreachable,
        _ => ForAnswer(failure.Status ?? StatusCodes.Status502BadGateway, failure.Code),
    };

    /// <summary>finn answered a non-2xx status (HTTP call or refused WebSocket upgrade): a known `code` decides first.</summary>
    public static FinnError ForAnswer(int status, string? code) => code switch
    {
        "BUDGET_EXCEEDED" => new(StatusCodes.Status402PaymentRequired, "usage_limit", "Usage limit reached"),
        "RATE_LIMITED" => new(StatusCodes.Status429TooManyRequests, "rate_limited", "Too many requests", 60),
        "ORACLE_MODEL_UNAVAILABLE" => new(StatusCodes.Status503ServiceUnavailable, "service_unavailable", "Oracle temporarily unavailable"),
        "PROVIDER_UNAVAILABLE" => new(StatusCodes.Status502BadGateway, "service_unavailable", "Service temporarily unavailable"),
        _ => new(StatusCodes.Status502BadGateway, "upstream_error", $"Upstream error (HTTP {status.ToString(CultureInfo.InvariantCulture)})"),
    };

    /// <summary>503 `circuit_open`; `Retry-After` is the remaining break rounded up, at least 1 (1 during a probe).</summary>
    public static FinnError CircuitOpen(TimeSpan? remaining) =>
        new(StatusCodes.Status503ServiceUnavailable, "circuit_open", "Service temporarily unavailable (circuit breaker open)",
            Math.Max(1, (int)Math.Ceiling((remaining ?? TimeSpan.Zero).TotalSeconds)));

    /// <summary>The answer as an endpoint result; <paramref name="sessionId"/> adds the `sessionId` field (spec 05 §2.2).</summary>
    public static IResult ToResult(FinnError error, string? sessionId = null) => new FinnErrorResult(error, sessionId);

    public static IResult ToResult(FinnCallException failure, string? sessionId = null) => ToResult(Map(failure), sessionId);

    /// <summary>Writes the answer directly (handshakes that run before an endpoint result exists).</summary>
    public static Task WriteAsync(HttpContext context, FinnError error, string? sessionId = null)
    {
        context.Response.StatusCode = error.Status;
        if (error.RetryAfterSeconds is { } seconds) context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        var body = new FinnErrorBody(error.Error, error.Message, error.HasRetryAfterInBody ? error.RetryAfterSeconds : null, sessionId);
        return context.Response.WriteAsJsonAsync(body, FinnErrorJson.Default.FinnErrorBody, ApiErrors.JsonContentType);
    }

    private sealed class FinnErrorResult(FinnError error, string? sessionId) : IResult, IStatusCodeHttpResult
    {
        public int? StatusCode => error.Status;
        public Task ExecuteAsync(HttpContext httpContext) => WriteAsync(httpContext, error, sessionId);
    }
}

/// <summary>The D4 body with the optional `retry_after` and `sessionId` fields of spec 05 §2.2 and §9.</summary>
public sealed record FinnErrorBody(
    [property: JsonPropertyName("error")] string Error,
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("retry_after")] int? RetryAfter,
    [property: JsonPropertyName("sessionId")] string? SessionId);

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(FinnErrorBody))]
internal sealed partial class FinnErrorJson : JsonSerializerContext;
