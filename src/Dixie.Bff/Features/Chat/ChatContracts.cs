using System.Text.Json;
using System.Text.Json.Serialization;

namespace Dixie.Bff.Features.Chat;

/// <summary>200 of `POST /api/chat` (spec 05 §2.3); `toolCalls` items are finn's, passed through.</summary>
public sealed record ChatReply(
    [property: JsonPropertyName("sessionId")] string SessionId,
    [property: JsonPropertyName("messageId")] string MessageId,
    [property: JsonPropertyName("response")] string Response,
    [property: JsonPropertyName("toolCalls")] JsonElement ToolCalls);

/// <summary>The body of `POST /api/chat` as documented in OpenAPI (the handler reads it by hand, §2.1).</summary>
public sealed record ChatRequestDocument(
    [property: JsonPropertyName("prompt")] string Prompt,
    [property: JsonPropertyName("sessionId")] string? SessionId,
    [property: JsonPropertyName("stream")] bool? Stream);

/// <summary>One item of `GET /api/sessions` (spec 05 §4.1).</summary>
public sealed record SessionSummary(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("createdAt")] string CreatedAt,
    [property: JsonPropertyName("lastActivityAt")] string LastActivityAt,
    [property: JsonPropertyName("messageCount")] int MessageCount);

public sealed record SessionList([property: JsonPropertyName("sessions")] IReadOnlyList<SessionSummary> Sessions);

/// <summary>`GET /api/sessions/{id}` (spec 05 §4.2): dixie's row merged with finn's live state.</summary>
public sealed record SessionDetail(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("createdAt")] string CreatedAt,
    [property: JsonPropertyName("lastActivityAt")] string LastActivityAt,
    [property: JsonPropertyName("messageCount")] int MessageCount,
    [property: JsonPropertyName("state"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] JsonElement? State,
    [property: JsonPropertyName("isStreaming")] bool IsStreaming);

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ChatReply))]
[JsonSerializable(typeof(ChatRequestDocument))]
[JsonSerializable(typeof(SessionList))]
[JsonSerializable(typeof(SessionDetail))]
public sealed partial class ChatJson : JsonSerializerContext
{
    /// <summary>Answers carry finn's text: non-ASCII stays UTF-8 instead of `\u` escapes (the bodies are JSON, never HTML).</summary>
    public static ChatJson Wire { get; } = new(new JsonSerializerOptions
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}
