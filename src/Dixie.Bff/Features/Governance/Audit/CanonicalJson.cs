using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Dixie.Bff.Features.Governance.Audit;

/// <summary>
/// RFC 8785 JSON Canonicalization Scheme (spec 08 §2.4): members sorted by UTF-16 code units, no
/// whitespace, strings escaped as ECMAScript's JSON.stringify escapes them, numbers as ECMAScript
/// writes doubles. System.Text.Json's writer is not used: it escapes non-ASCII and HTML characters.
/// </summary>
public static class CanonicalJson
{
    public static string Serialize(JsonNode? node)
    {
        var output = new StringBuilder();
        Write(output, node);
        return output.ToString();
    }

    /// <summary>An object given as members, so values that already belong to another node need no copy.</summary>
    public static string SerializeObject(IEnumerable<KeyValuePair<string, JsonNode?>> members)
    {
        var output = new StringBuilder();
        WriteMembers(output, members);
        return output.ToString();
    }

    private static void Write(StringBuilder output, JsonNode? node)
    {
        switch (node)
        {
            case null:
                output.Append("null");
                break;
            case JsonObject obj:
                WriteMembers(output, obj);
                break;
            case JsonArray array:
                output.Append('[');
                for (var i = 0; i < array.Count; i++)
                {
                    if (i > 0) output.Append(',');
                    Write(output, array[i]);
                }
                output.Append(']');
                break;
            case JsonValue value:
                WriteValue(output, value);
                break;
        }
    }

    private static void WriteMembers(StringBuilder output, IEnumerable<KeyValuePair<string, JsonNode?>> members)
    {
        // string.CompareOrdinal compares UTF-16 code units, which is exactly RFC 8785 §3.2.3.
        var sorted = members.ToList();
        sorted.Sort((a, b) => string.CompareOrdinal(a.Key, b.Key));
        output.Append('{');
        for (var i = 0; i < sorted.Count; i++)
        {
            if (i > 0) output.Append(',');
            WriteString(output, sorted[i].Key);
            output.Append(':');
            Write(output, sorted[i].Value);
        }
        output.Append('}');
    }

    private static void WriteValue(StringBuilder output, JsonValue value)
    {
        switch (value.GetValueKind())
        {
            case JsonValueKind.String:
                WriteString(output, ReadString(value));
                break;
            case JsonValueKind.Number:
                output.Append(EcmaNumber.Format(ReadNumber(value)));
                break;
            case JsonValueKind.True:
                output.Append("true");
                break;
            case JsonValueKind.False:
                output.Append("false");
                break;
            case JsonValueKind.Null:
                output.Append("null");
                break;
            default:
                throw new ArgumentException($"Cannot canonicalise a JSON value of kind {value.GetValueKind()}");
        }
    }

    private static string ReadString(JsonValue value)
    {
        if (value.TryGetValue<string>(out var text)) return text;
        // A value wrapping another CLR type (Guid, char, …): read back its JSON text.
        using var document = JsonDocument.Parse(value.ToJsonString());
        return document.RootElement.GetString()!;
    }

    /// <summary>The IEEE double the JSON number text denotes (RFC 8785 §3.2.2.3).</summary>
    internal static double ReadNumber(JsonValue value)
    {
        if (value.TryGetValue<double>(out var d)) return EnsureFinite(d);
        if (value.TryGetValue<JsonElement>(out var element)) return EnsureFinite(double.Parse(element.GetRawText(), NumberStyles.Float, CultureInfo.InvariantCulture));
        return EnsureFinite(double.Parse(value.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture));
    }

    private static double EnsureFinite(double value) =>
        double.IsFinite(value) ? value : throw new ArgumentException("NaN and Infinity are not JSON numbers");

    private static void WriteString(StringBuilder output, string text)
    {
        output.Append('"');
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            switch (c)
            {
                case '"': output.Append("\\\""); break;
                case '\\': output.Append("\\\\"); break;
                case '\b': output.Append("\\b"); break;
                case '\f': output.Append("\\f"); break;
                case '\n': output.Append("\\n"); break;
                case '\r': output.Append("\\r"); break;
                case '\t': output.Append("\\t"); break;
                default:
                    if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                    {
                        output.Append(c).Append(text[i + 1]);
                        i++;
                    }
                    // A lone surrogate has no UTF-8 form; JSON.stringify escapes it (ES2019), and so do we.
                    else if (c < 0x20 || char.IsSurrogate(c))
                    {
                        AppendEscape(output, c);
                    }
                    else
                    {
                        output.Append(c);
                    }
                    break;
            }
        }
        output.Append('"');
    }

    private static void AppendEscape(StringBuilder output, char c) =>
        output.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
}
