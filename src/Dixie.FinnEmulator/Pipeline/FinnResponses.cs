using System.Text;
using System.Text.Json;
using Dixie.FinnEmulator.Hosting;

namespace Dixie.FinnEmulator.Pipeline;

/// <summary>finn-style error bodies <c>{"error","code"}</c> and finn's framework 404 (spec 11 §2).</summary>
public static class FinnResponses
{
    private static readonly byte[] NotFoundText = "404 Not Found"u8.ToArray();

    public static Task WriteNotFoundAsync(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status404NotFound;
        context.Response.ContentType = "text/plain; charset=UTF-8";
        context.Response.ContentLength = NotFoundText.Length;
        return context.Response.Body.WriteAsync(NotFoundText).AsTask();
    }

    public static Task WriteErrorAsync(HttpContext context, int status, string error, string code) =>
        WriteJsonAsync(context, status, new FinnError(error, code), EmulatorJsonContext.Default.FinnError);

    public static Task WriteJsonAsync<T>(HttpContext context, int status, T value, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        var bytes = JsonSerializer.SerializeToUtf8Bytes(value, type);
        context.Response.ContentLength = bytes.Length;
        return context.Response.Body.WriteAsync(bytes).AsTask();
    }

    public static Task WriteRawJsonAsync(HttpContext context, int status, byte[] json)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        context.Response.ContentLength = json.Length;
        return context.Response.Body.WriteAsync(json).AsTask();
    }

    public static Task WriteTextAsync(HttpContext context, int status, string contentType, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        context.Response.StatusCode = status;
        context.Response.ContentType = contentType;
        context.Response.ContentLength = bytes.Length;
        return context.Response.Body.WriteAsync(bytes).AsTask();
    }

    public static Task InvalidRequestAsync(HttpContext context) =>
        WriteErrorAsync(context, StatusCodes.Status400BadRequest, "Invalid request", "INVALID_REQUEST");
}

/// <summary>finn's error body.</summary>
public sealed record FinnError(string Error, string Code);
