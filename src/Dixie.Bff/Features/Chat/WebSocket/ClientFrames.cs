using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Dixie.Bff.Features.Chat.WebSocket;

/// <summary>The JSON text frames the proxy writes to its client: `{"type":…,"data":{…}}` (spec 05 §6.2–§6.3).</summary>
public static class ClientFrames
{
    private static readonly JsonWriterOptions Options = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string Frame(string type, Action<Utf8JsonWriter> writeData)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer, Options))
        {
            json.WriteStartObject();
            json.WriteString("type", type);
            json.WriteStartObject("data");
            writeData(json);
            json.WriteEndObject();
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    public static string Error(string code, string message, bool recoverable) => Frame("error", json =>
    {
        json.WriteString("code", code);
        json.WriteString("message", message);
        json.WriteBoolean("recoverable", recoverable);
    });

    /// <summary>The prompt forwarded to finn.</summary>
    public static string Prompt(string text)
    {
        var buffer = new ArrayBufferWriter<byte>(text.Length + 32);
        using (var json = new Utf8JsonWriter(buffer, Options))
        {
            json.WriteStartObject();
            json.WriteString("type", "prompt");
            json.WriteString("text", text);
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    public const string Abort = """{"type":"abort"}""";
    public const string Ping = """{"type":"ping"}""";
}
