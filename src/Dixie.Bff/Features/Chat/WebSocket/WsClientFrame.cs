using System.Text.Json;
using Dixie.Bff.Infrastructure;

namespace Dixie.Bff.Features.Chat.WebSocket;

public enum WsClientFrameKind { Prompt, Abort, Ping, Invalid }

/// <summary>
/// A client frame as spec 05 §6.3 classifies it. An invalid prompt carries the rule it broke; any other
/// unusable frame is "Unsupported message".
/// </summary>
public sealed record WsClientFrame(WsClientFrameKind Kind, string? Text = null, string? Problem = null)
{
    public const int MaxPromptLength = 10_000;

    public static WsClientFrame Parse(string json)
    {
        try
        {
            using var document = JsonText.Parse(json);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String)
                return Unsupported;
            return type.GetString() switch
            {
                "prompt" => Prompt(root),
                "abort" => new WsClientFrame(WsClientFrameKind.Abort),
                "ping" => new WsClientFrame(WsClientFrameKind.Ping),
                _ => Unsupported,
            };
        }
        catch (JsonException)
        {
            return Unsupported;
        }
    }

    private static readonly WsClientFrame Unsupported = new(WsClientFrameKind.Invalid, Problem: "Unsupported message");

    private static WsClientFrame Prompt(JsonElement root)
    {
        if (!root.TryGetProperty("text", out var text) || text.ValueKind != JsonValueKind.String)
            return new WsClientFrame(WsClientFrameKind.Invalid, Problem: "text is required");
        var value = text.GetString()!;
        if (value.Length is 0 or > MaxPromptLength)
            return new WsClientFrame(WsClientFrameKind.Invalid, Problem: "text must be 1 to 10000 characters");
        if (value.All(char.IsWhiteSpace))
            return new WsClientFrame(WsClientFrameKind.Invalid, Problem: "text must not be blank");
        return new WsClientFrame(WsClientFrameKind.Prompt, value);
    }
}
