using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Dixie.Bff.Infrastructure.Http;

/// <summary>The one error body of the service (spec 00 D4): <c>{"error": code, "message": text}</c>.</summary>
public record ApiError(
    [property: JsonPropertyName("error")] string Error,
    [property: JsonPropertyName("message")] string Message);

/// <summary>500 body: the request id lets an operator find the log line; nothing from the exception.</summary>
public sealed record InternalServerError(string Error, string Message,
    [property: JsonPropertyName("request_id")] string RequestId) : ApiError(Error, Message);

/// <summary>503 `not_ready` body of <c>/healthz/ready</c> (spec 03 §5).</summary>
public sealed record NotReadyError(string Error, string Message,
    [property: JsonPropertyName("reason")] string Reason) : ApiError(Error, Message);

/// <summary>429 body (spec 02 §10.6): `retry_after` repeats the `Retry-After` seconds, after `error` and `message`.</summary>
public sealed record RateLimitedError(string Error, string Message,
    [property: JsonPropertyName("retry_after"), JsonPropertyOrder(1)] long RetryAfter) : ApiError(Error, Message);

/// <summary>Builds error responses, so every code path writes the same shape.</summary>
public static class ApiErrors
{
    public static JsonHttpResult<ApiError> Result(int status, string error, string message) =>
        TypedResults.Json(new ApiError(error, message), DixieJson.Wire.ApiError, statusCode: status);

    /// <summary>Writes an error directly (middleware that short-circuits before endpoints).</summary>
    public static Task WriteAsync(HttpContext context, int status, string error, string message) =>
        WriteAsync(context, status, new ApiError(error, message));

    public static Task WriteAsync(HttpContext context, int status, ApiError body)
    {
        context.Response.StatusCode = status;
        return body switch
        {
            InternalServerError e => context.Response.WriteAsJsonAsync(e, DixieJson.Wire.InternalServerError, JsonContentType),
            NotReadyError e => context.Response.WriteAsJsonAsync(e, DixieJson.Wire.NotReadyError, JsonContentType),
            RateLimitedError e => context.Response.WriteAsJsonAsync(e, DixieJson.Wire.RateLimitedError, JsonContentType),
            _ => context.Response.WriteAsJsonAsync(body, DixieJson.Wire.ApiError, JsonContentType),
        };
    }

    public const string JsonContentType = "application/json; charset=utf-8";
}
