using System.Text.Json.Serialization;

namespace Dixie.Bff.Infrastructure.Finn;

/// <summary>finn's answer to `POST /api/sessions` (201).</summary>
public sealed record FinnSessionCreated(
    [property: JsonPropertyName("sessionId"), JsonRequired] string SessionId,
    [property: JsonPropertyName("wsUrl")] string? WsUrl);

/// <summary>finn's answer to `POST /api/sessions/{id}/message`.</summary>
public sealed record FinnMessageReply(
    [property: JsonPropertyName("response"), JsonRequired] string Response,
    [property: JsonPropertyName("toolCalls")] System.Text.Json.JsonElement? ToolCalls);

/// <summary>finn's answer to `GET /api/sessions/{id}`.</summary>
public sealed record FinnSessionDetail(
    [property: JsonPropertyName("id"), JsonRequired] string Id,
    [property: JsonPropertyName("messageCount")] int MessageCount,
    [property: JsonPropertyName("isStreaming")] bool IsStreaming);

/// <summary>The message body finn reads (`text`); `prompt` is sent too for older finn builds.</summary>
public sealed record FinnMessageRequest(
    [property: JsonPropertyName("text")] string Text,
    [property: JsonPropertyName("prompt")] string Prompt);

[JsonSerializable(typeof(FinnSessionCreated))]
[JsonSerializable(typeof(FinnMessageReply))]
[JsonSerializable(typeof(FinnSessionDetail))]
internal sealed partial class FinnJson : JsonSerializerContext;
