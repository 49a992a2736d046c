using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace Dixie.Bff.Infrastructure.Finn;

/// <summary>
/// A finn answer whose shape has rules beyond what the JSON reader enforces. Checked inside the
/// breaker, so a 2xx that breaks them counts as a failure (spec 05 §8).
/// </summary>
internal interface IFinnReply
{
    bool IsWellFormed { get; }
}

/// <summary>
/// A finn answer that names the model it ran or reports token usage; the `dixie.finn.inference`
/// span records them (spec 10 §5.2: `model` is a model id, never a path).
/// </summary>
public interface IFinnUsage
{
    string? Model { get; }
    long? Tokens { get; }
}

/// <summary>The session id pattern `SID` of spec 05.</summary>
public static partial class SessionIds
{
    [GeneratedRegex(@"\A[A-Za-z0-9_-]{1,128}\z")]
    private static partial Regex Pattern();

    public static bool IsValid(string? id) => id is not null && Pattern().IsMatch(id);
}

/// <summary>finn's answer to `POST /api/sessions` (201).</summary>
public sealed record FinnSessionCreated(
    [property: JsonPropertyName("sessionId"), JsonRequired] string SessionId,
    [property: JsonPropertyName("wsUrl")] string? WsUrl) : IFinnReply
{
    bool IFinnReply.IsWellFormed => SessionIds.IsValid(SessionId);
}

/// <summary>finn's answer to `POST /api/sessions/{id}/message`.</summary>
public sealed record FinnMessageReply(
    [property: JsonPropertyName("response"), JsonRequired] string Response,
    [property: JsonPropertyName("toolCalls")] JsonElement? ToolCalls) : IFinnReply
{
    /// <summary>
    /// `response` a string (`[JsonRequired]` lets an explicit null through); `toolCalls` absent or null
    /// is `[]`, otherwise an array of objects with a string `name`.
    /// </summary>
    bool IFinnReply.IsWellFormed => Response is not null && (ToolCalls is not { } calls || calls.ValueKind == JsonValueKind.Null
        || (calls.ValueKind == JsonValueKind.Array && calls.EnumerateArray().All(call =>
            call.ValueKind == JsonValueKind.Object && call.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String)));

    public int ToolCallCount => ToolCalls is { ValueKind: JsonValueKind.Array } calls ? calls.GetArrayLength() : 0;
}

/// <summary>finn's answer to `GET /api/sessions/{id}`; `state` is passed through as it is.</summary>
public sealed record FinnSessionDetail(
    [property: JsonPropertyName("id")] string? Id,
    [property: JsonPropertyName("state")] JsonElement? State,
    [property: JsonPropertyName("messageCount")] JsonElement? MessageCount,
    [property: JsonPropertyName("isStreaming")] JsonElement? IsStreaming) : IFinnUsage
{
    string? IFinnUsage.Model => State is { ValueKind: JsonValueKind.Object } state
        && state.TryGetProperty("model", out var model) && model.ValueKind == JsonValueKind.String ? model.GetString() : null;

    long? IFinnUsage.Tokens => null;

    /// <summary>A non-boolean `isStreaming` reads as false (spec 05 §4.2: boolean, default false).</summary>
    public bool Streaming => IsStreaming is { ValueKind: JsonValueKind.True };
}

/// <summary>The message body finn reads (`text`); `prompt` is sent too for older finn builds.</summary>
public sealed record FinnMessageRequest(
    [property: JsonPropertyName("text")] string Text,
    [property: JsonPropertyName("prompt")] string Prompt);

[JsonSerializable(typeof(FinnSessionCreated))]
[JsonSerializable(typeof(FinnMessageReply))]
[JsonSerializable(typeof(FinnSessionDetail))]
internal sealed partial class FinnJson : JsonSerializerContext;

/// <summary>The body of finn's `POST /api/sessions`.</summary>
public sealed record FinnNewSession([property: JsonPropertyName("agentId")] string AgentId)
{
    public static readonly FinnNewSession Oracle = new("oracle");
}
