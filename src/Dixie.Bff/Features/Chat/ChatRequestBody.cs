using System.Text.Json;
using Dixie.Bff.Infrastructure;
using Dixie.Bff.Infrastructure.Finn;

namespace Dixie.Bff.Features.Chat;

/// <summary>The body of `POST /api/chat` after the checks of spec 05 §2.1.</summary>
public sealed record ChatRequestBody(string Prompt, string? SessionId, bool Stream)
{
    public const int MaxPromptLength = 10_000;

    /// <summary>Reads and checks the body in the order of §2.1; the first failed check's message is the answer.</summary>
    public static async Task<(ChatRequestBody? Body, string? Error)> ReadAsync(HttpRequest request, CancellationToken ct)
    {
        JsonDocument document;
        try
        {
            document = await JsonText.ParseAsync(request.Body, new JsonDocumentOptions { MaxDepth = 32 }, ct);
        }
        catch (JsonException)
        {
            return (null, "Invalid JSON body");
        }
        using (document)
            return Check(document.RootElement);
    }

    public static (ChatRequestBody? Body, string? Error) Check(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object) return (null, "Invalid JSON body");
        if (!root.TryGetProperty("prompt", out var promptValue) || promptValue.ValueKind != JsonValueKind.String)
            return (null, "prompt is required");
        var prompt = promptValue.GetString()!;
        if (PromptProblem(prompt) is { } problem) return (null, problem);

        string? sessionId = null;
        if (root.TryGetProperty("sessionId", out var session) && session.ValueKind != JsonValueKind.Null)
        {
            if (session.ValueKind != JsonValueKind.String || !SessionIds.IsValid(session.GetString()))
                return (null, "Invalid session ID format");
            sessionId = session.GetString();
        }

        var stream = false;
        if (root.TryGetProperty("stream", out var streamValue) && streamValue.ValueKind != JsonValueKind.Null)
        {
            if (streamValue.ValueKind is not (JsonValueKind.True or JsonValueKind.False)) return (null, "stream must be a boolean");
            stream = streamValue.GetBoolean();
        }
        return (new ChatRequestBody(prompt, sessionId, stream), null);
    }

    /// <summary>The length and blank rules, shared with the WebSocket prompt checks (spec 05 §6.3).</summary>
    public static string? PromptProblem(string prompt)
    {
        if (prompt.Length is < 1 or > MaxPromptLength) return "prompt must be 1 to 10000 characters";
        return prompt.All(char.IsWhiteSpace) ? "prompt must not be blank" : null;
    }
}
