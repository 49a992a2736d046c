using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Dixie.FinnEmulator.WebSockets;

/// <summary>Server frames of finn's WebSocket protocol, always <c>{type, data?}</c> (spec 11 §5).</summary>
public static class WsFrames
{
    // Non-ASCII text goes out as UTF-8, as JSON.stringify writes it.
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static readonly byte[] Pong = """{"type":"pong"}"""u8.ToArray();
    public static readonly byte[] Authenticated = """{"type":"authenticated","data":{}}"""u8.ToArray();
    public static readonly byte[] TurnEnd = """{"type":"turn_end","data":{}}"""u8.ToArray();
    public static readonly byte[] AgentEnd = """{"type":"agent_end","data":{}}"""u8.ToArray();
    public static readonly byte[] NonJson = "emulated non-JSON frame"u8.ToArray();

    public static byte[] Error(string message, bool recoverable) => Write(json =>
    {
        json.WriteString("type", "error");
        json.WriteStartObject("data");
        json.WriteString("message", message);
        json.WriteBoolean("recoverable", recoverable);
        json.WriteEndObject();
    });

    public static byte[] TextDelta(string delta) => Write(json =>
    {
        json.WriteString("type", "text_delta");
        json.WriteStartObject("data");
        json.WriteString("delta", delta);
        json.WriteEndObject();
    });

    public static byte[] ToolStart(string toolName, string input) => Write(json =>
    {
        json.WriteString("type", "tool_start");
        json.WriteStartObject("data");
        json.WriteString("toolName", toolName);
        json.WriteStartObject("args");
        json.WriteString("input", input);
        json.WriteEndObject();
        json.WriteEndObject();
    });

    public static byte[] ToolEnd(string toolName, string result) => Write(json =>
    {
        json.WriteString("type", "tool_end");
        json.WriteStartObject("data");
        json.WriteString("toolName", toolName);
        json.WriteString("result", result);
        json.WriteBoolean("isError", false);
        json.WriteEndObject();
    });

    private static byte[] Write(Action<Utf8JsonWriter> fields)
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        using (var json = new Utf8JsonWriter(buffer, Options))
        {
            json.WriteStartObject();
            fields(json);
            json.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }
}
