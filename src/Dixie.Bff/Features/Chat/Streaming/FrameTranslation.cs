using System.Text.Json;

namespace Dixie.Bff.Features.Chat.Streaming;

/// <summary>
/// The finn frames SSE and the WebSocket proxy translate alike (spec 05 §3.2, §6.2): the event or
/// frame name and how its `data` is written.
/// </summary>
public static class FrameTranslation
{
    /// <summary>`text_delta` → `chunk`, `tool_start` → `tool_call`, `tool_end` → `tool_result`; null for any other type.</summary>
    public static (string Name, Action<Utf8JsonWriter> WriteData)? Translate(FinnFrame frame) => frame.Type switch
    {
        "text_delta" => ("chunk", json => json.WriteString("content", frame.Text("delta"))),
        "tool_start" => ("tool_call", json =>
        {
            json.WriteString("name", frame.Text("toolName"));
            json.WritePropertyName("args");
            if (frame.Json("args") is { } args) args.WriteTo(json);
            else json.WriteNullValue();
        }),
        "tool_end" => ("tool_result", json =>
        {
            json.WriteString("name", frame.Text("toolName"));
            json.WriteString("result", frame.Text("result"));
            json.WriteBoolean("isError", frame.Flag("isError"));
        }),
        _ => null,
    };

    /// <summary>What the turn keeps of a translated frame: the text for `done.content`, and the tool count.</summary>
    public static void Accumulate(FinnFrame frame, StreamedTurn? turn)
    {
        if (turn is null) return;
        if (frame.Type == "text_delta") turn.AddDelta(frame.Text("delta"));
        else if (frame.Type == "tool_start") turn.AddToolCall();
    }
}
