using System.Text.Json.Serialization;

namespace Dixie.Bff.Features.Chat.Streaming;

/// <summary>`{"type":"prompt","text":…}`, the frame that starts a turn on finn's socket.</summary>
public sealed record PromptFrame(
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("text")] string Text);

[JsonSerializable(typeof(PromptFrame))]
internal sealed partial class StreamingJson : JsonSerializerContext;
