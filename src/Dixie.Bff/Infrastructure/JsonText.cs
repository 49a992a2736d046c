using System.Text.Json;

namespace Dixie.Bff.Infrastructure;

/// <summary>
/// JSON parsing for text that came from outside (request bodies, WebSocket frames, finn's answers).
/// System.Text.Json checks a document's structure while parsing but a string's text only when the
/// string is read: invalid UTF-8 bytes or a lone surrogate escape (`"\uD800"`) parse without error and
/// then make `GetString()` throw <see cref="InvalidOperationException"/> wherever a handler reads them.
/// These methods read every string and property name once, so such text fails here as the
/// <see cref="JsonException"/> every caller already treats as malformed JSON.
/// </summary>
public static class JsonText
{
    public static async Task<JsonDocument> ParseAsync(Stream utf8Json, JsonDocumentOptions options, CancellationToken ct) =>
        Checked(await JsonDocument.ParseAsync(utf8Json, options, ct));

    public static JsonDocument Parse(string json, JsonDocumentOptions options = default) =>
        Checked(JsonDocument.Parse(json, options));

    public static JsonDocument Parse(ReadOnlyMemory<byte> utf8Json, JsonDocumentOptions options = default) =>
        Checked(JsonDocument.Parse(utf8Json, options));

    private static JsonDocument Checked(JsonDocument document)
    {
        try
        {
            ReadAllText(document.RootElement);
            return document;
        }
        catch (InvalidOperationException invalid)
        {
            document.Dispose();
            throw new JsonException("JSON text contains invalid UTF-8 or an unpaired surrogate", invalid);
        }
    }

    // Depth is bounded by the parse's MaxDepth, so the recursion is too.
    private static void ReadAllText(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                _ = element.GetString();
                break;
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    _ = property.Name;
                    ReadAllText(property.Value);
                }
                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray()) ReadAllText(item);
                break;
        }
    }
}
