using System.Text.Json;
using Dixie.Bff.Infrastructure;

namespace Dixie.Bff.Features.Chat.Streaming;

/// <summary>
/// One frame finn sent on `/ws/{id}`: `{type, data?}` (spec 05 §3.2, §6.2). <see cref="Raw"/> keeps the
/// exact text so frames the proxy passes through reach the client unchanged.
/// </summary>
public sealed record FinnFrame(string Type, JsonElement Data, string Raw)
{
    /// <summary>Null for what finn must never send: not JSON, not an object, or no string `type`.</summary>
    public static FinnFrame? TryParse(string text)
    {
        try
        {
            using var document = JsonText.Parse(text);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String)
            {
                return null;
            }
            var data = root.TryGetProperty("data", out var d) && d.ValueKind == JsonValueKind.Object ? d.Clone() : Empty;
            return new FinnFrame(type.GetString()!, data, text);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static readonly JsonElement Empty = JsonDocument.Parse("{}").RootElement.Clone();

    /// <summary>A string field of `data`, or "" when it is absent or not a string.</summary>
    public string Text(string name) =>
        Data.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()! : "";

    /// <summary>Any JSON field of `data` (e.g. tool `args`), or null when absent.</summary>
    public JsonElement? Json(string name) => Data.TryGetProperty(name, out var value) ? value : null;

    public bool Flag(string name) => Data.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.True;
}
