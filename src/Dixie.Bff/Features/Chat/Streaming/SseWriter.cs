using System.Buffers;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;

namespace Dixie.Bff.Features.Chat.Streaming;

/// <summary>
/// The `text/event-stream` response of spec 05 §3.1 step 5 and §3.2: `event: name`, one line of
/// compact JSON, a blank line, flushed per event so proxies and browsers see each one at once.
/// </summary>
public sealed class SseWriter(HttpResponse response)
{
    private static readonly byte[] KeepAliveComment = ": keep-alive\n\n"u8.ToArray();

    /// <summary>Sends the 200 and its headers; from here on every ending is an event, never a status.</summary>
    public Task StartAsync(string sessionId)
    {
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/event-stream; charset=utf-8";
        response.Headers.CacheControl = "no-cache, no-transform";
        response.Headers["X-Accel-Buffering"] = "no";
        response.Headers["X-Session-Id"] = sessionId;
        response.HttpContext.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        return response.Body.FlushAsync(response.HttpContext.RequestAborted);
    }

    public async Task WriteEventAsync(string name, Action<Utf8JsonWriter> writeData)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        buffer.Write(Encoding.UTF8.GetBytes($"event: {name}\ndata: "));
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            writeData(json);
            json.WriteEndObject();
        }
        buffer.Write("\n\n"u8);
        await response.Body.WriteAsync(buffer.WrittenMemory, response.HttpContext.RequestAborted);
        await response.Body.FlushAsync(response.HttpContext.RequestAborted);
    }

    public Task WriteErrorAsync(string code, string message) => WriteEventAsync("error", json =>
    {
        json.WriteString("code", code);
        json.WriteString("message", message);
    });

    public async Task WriteKeepAliveAsync()
    {
        await response.Body.WriteAsync(KeepAliveComment, response.HttpContext.RequestAborted);
        await response.Body.FlushAsync(response.HttpContext.RequestAborted);
    }
}
