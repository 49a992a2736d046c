using System.Text;
using System.Text.Json;
using CsCheck;

namespace Dixie.Bff.Tests.Fuzz;

/// <summary>
/// Generators of hostile input: random JSON values and wrong types, huge strings, path traversal,
/// SQL-looking and otherwise awkward text. Field and query names come from the app's own OpenAPI
/// document plus a fixed list, so routes added later get plausible-looking bodies too.
/// </summary>
public sealed class FuzzInputs(IReadOnlyList<string> fieldNames, IReadOnlyList<string> queryNames)
{
    // The fixed names are what today's handlers read; the document's names cover what is added later.
    private readonly Gen<string> _fieldName = Gen.Frequency(
        (4, Gen.OneOf(KnownFields)), (3, Gen.OneOf([.. fieldNames])), (1, AsciiText));

    public static readonly string[] Hostile =
    [
        "../../../../etc/passwd", "..\\..\\..\\windows\\win.ini", "%2e%2e%2f%2e%2e%2fetc%2fpasswd", "....//....//etc/passwd",
        "/etc/passwd\u0000.json", "..", ".", "/", "//", "\\", "%", "%%", "%zz", "%00",
        "' OR '1'='1", "1; DROP TABLE audit_entries; --", "\" OR \"\"=\"", "1' UNION SELECT NULL,NULL--", "admin'--",
        "'; SELECT pg_sleep(10); --", "$1", "?", "E'\\x00'",
        "${jndi:ldap://x/a}", "{{7*7}}", "<script>alert(1)</script>", "\u0000", "\r\n", "\t", "\uFEFF", "\u202E", "\U0001F600",
        "null", "true", "-1", "0", "NaN", "Infinity", "1e309", "99999999999999999999999999", "-9223372036854775809", "4294967296",
        "0x", "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266", "0xF39FD6E51AAD88F6F4CE6AB8827279CFFFB92266", "0xzz",
        "00000000-0000-0000-0000-000000000000", "nft:1", "nft:", "sha256:", "dxk_", "wst_", "Bearer", "", " ", "a,b", "[]", "{}",
    ];

    public static readonly string[] KnownFields =
    [
        "prompt", "sessionId", "stream", "message", "signature", "type", "value", "wallet", "apiKey", "token", "nftId",
        "routingKey", "events", "limit", "cursor", "model", "agentId", "operatorId", "taskId", "score", "metadata", "id",
    ];

    public static readonly string[] KnownQuery = ["limit", "cursor", "offset", "routingKey", "since", "before", "resourceType", "id", "ticket", "stream"];

    private static readonly Gen<string> SmallText = Gen.String[0, 40];
    private static readonly Gen<string> AsciiText =
        Gen.Char["ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"].Array[1, 64].Select(chars => new string(chars));

    /// <summary>A string a client could send anywhere: hostile, random, or plain.</summary>
    public static readonly Gen<string> Text = Gen.Frequency(
        (5, Gen.OneOf(Hostile)),
        (3, SmallText),
        (2, AsciiText),
        (1, Gen.Int[200, 3000].Select(n => new string('x', n))));

    private static Gen<string> JsonString(Gen<string> text) => text.Select(s => JsonSerializer.Serialize(s));

    /// <summary>A JSON scalar as text, including numbers no .NET type holds and a lone surrogate escape.</summary>
    private static readonly Gen<string> Scalar = Gen.Frequency(
        (1, Gen.OneOf("null", "true", "false", "0", "-0", "1e400", "-1e400", "123456789012345678901234567890", "0.000001", "1.5", "\"\\uD800\"", "\"\\u0000\"")),
        (2, Gen.Long.Select(v => v.ToString(System.Globalization.CultureInfo.InvariantCulture))),
        (1, Gen.Double.Select(v => double.IsFinite(v) ? v.ToString("R", System.Globalization.CultureInfo.InvariantCulture) : "0")),
        (5, JsonString(Text)));

    public Gen<string> JsonValue => Gen.Recursive<string>((depth, inner) => depth >= 3
        ? Scalar
        : Gen.Frequency(
            (6, Scalar),
            (1, inner.Array[0, 4].Select(items => "[" + string.Join(",", items) + "]")),
            (2, Object(inner))));

    private Gen<string> Object(Gen<string> values) =>
        Gen.Select(_fieldName, values)
            .Array[0, 6]
            .Select(fields => "{" + string.Join(",", fields.DistinctBy(f => f.Item1).Select(f => JsonSerializer.Serialize(f.Item1) + ":" + f.Item2)) + "}");

    /// <summary>A request body: mostly objects with the app's field names, sometimes anything, broken or huge.</summary>
    public Gen<string?> Body => Gen.Frequency(
        (6, Object(JsonValue).Select(s => (string?)s)),
        (2, JsonValue.Select(s => (string?)s)),
        (1, Gen.OneOf<string?>("{", "{\"a\":", "[1,2", "nul", "{'a':1}", "\u0000", "{\"prompt\":\"x\"}garbage", "{\"a\":1,\"a\":2}", "[" + new string('[', 100) + "]")),
        // Huge but inside the 100 KiB body limit: beyond it the 413 tests of spec 02 §7 apply, and a
        // refused body leaves the connection unusable for the next pooled request.
        (1, Gen.Int[20_000, 100_000].Select(n => (string?)$"{{\"{fieldNames[n % fieldNames.Count]}\":\"{new string('A', n)}\"}}")),
        (1, Gen.Const((string?)null)));

    public static readonly Gen<string?> ContentType = Gen.Frequency(
        (8, Gen.Const<string?>("application/json")),
        (1, Gen.OneOf<string?>("text/plain", "application/x-www-form-urlencoded", "application/json; charset=utf-16", "multipart/form-data", "application/xml")),
        (1, Gen.Const((string?)null)));

    public Gen<string> Query => Gen.Select(Gen.Frequency((3, Gen.OneOf([.. queryNames])), (1, AsciiText)), Text)
        .Array[0, 3]
        .Select(pairs => pairs.Length == 0 ? "" : "?" + string.Join("&", pairs.Select(p => Uri.EscapeDataString(p.Item1) + "=" + Escape(p.Item2))));

    /// <summary>A route value: hostile, random or plausible (ids, wallets, resource names).</summary>
    public static readonly Gen<string> RouteValue = Gen.Frequency(
        (5, Text.Select(Escape)),
        (2, Gen.Guid.Select(g => g.ToString())),
        (1, Gen.OneOf("0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266", "allowlist", "reputation", "fleet", "1", "v1", "chat", "-1")),
        (1, Gen.OneOf("%2e%2e", "..%2f..%2f", "%2F", "%252e%252e", "%C0%AE%C0%AE", "%E2%80%AE")))
        // Kestrel refuses a NUL in the decoded path itself, before any middleware runs (an empty 400).
        .Select(value => value.Replace("%00", "%2500", StringComparison.Ordinal));

    /// <summary>Escaped for a URL, but long values are cut so the request line stays inside Kestrel's limits.</summary>
    private static string Escape(string value)
    {
        var escaped = Uri.EscapeDataString(value);
        return escaped.Length > 2000 ? escaped[..2000].TrimEnd('%') : escaped;
    }

    /// <summary>Names of request-body properties and query parameters in the app's OpenAPI document.</summary>
    public static FuzzInputs FromOpenApi(JsonElement document)
    {
        var fields = new HashSet<string>(KnownFields, StringComparer.Ordinal);
        var query = new HashSet<string>(KnownQuery, StringComparer.Ordinal);
        Walk(document, fields, query);
        return new FuzzInputs([.. fields.Order(StringComparer.Ordinal)], [.. query.Order(StringComparer.Ordinal)]);
    }

    private static void Walk(JsonElement element, HashSet<string> fields, HashSet<string> query)
    {
        if (element.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in element.EnumerateArray()) Walk(item, fields, query);
            return;
        }
        if (element.ValueKind != JsonValueKind.Object) return;
        if (element.TryGetProperty("in", out var location) && location.ValueKind == JsonValueKind.String && location.GetString() == "query"
            && element.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String)
        {
            query.Add(name.GetString()!);
        }
        foreach (var property in element.EnumerateObject())
        {
            if (property.Name == "properties" && property.Value.ValueKind == JsonValueKind.Object)
            {
                foreach (var field in property.Value.EnumerateObject()) fields.Add(field.Name);
            }
            Walk(property.Value, fields, query);
        }
    }

    public static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);
}
