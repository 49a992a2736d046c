using System.Text.Json;

namespace Dixie.FinnEmulator.Pipeline;

/// <summary>Reads request bodies leniently: anything that is not a JSON object counts as no fields.</summary>
public static class JsonBody
{
    public static JsonDocument? ParseObject(ReadOnlyMemory<byte> bytes)
    {
        if (bytes.IsEmpty)
        {
            return null;
        }
        try
        {
            var document = JsonDocument.Parse(bytes);
            if (document.RootElement.ValueKind == JsonValueKind.Object)
            {
                return document;
            }
            document.Dispose();
            return null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>A string property that holds more than white space.</summary>
    public static string? NonBlankString(JsonDocument? document, string name)
    {
        if (document is null || !document.RootElement.TryGetProperty(name, out var value) || value.ValueKind != JsonValueKind.String)
        {
            return null;
        }
        try
        {
            return value.GetString() is { } text && !string.IsNullOrWhiteSpace(text) ? text : null;
        }
        catch (InvalidOperationException)
        {
            // Escaped lone surrogates cannot become a .NET string; finn would see garbage, the
            // emulator treats the field as absent.
            return null;
        }
    }
}
