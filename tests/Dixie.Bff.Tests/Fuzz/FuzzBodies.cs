using System.Text.Json;
using CsCheck;

namespace Dixie.Bff.Tests.Fuzz;

/// <summary>
/// Bodies shaped like what an endpoint reads, so the fuzz gets past "Invalid JSON body" into the
/// handlers: the request schema of the OpenAPI document when the route declares one (routes added
/// later come with theirs), else the fields today's handlers read. Values are of the declared type
/// or deliberately of another.
/// </summary>
public sealed class FuzzBodies
{
    // Handlers that read their body themselves and so declare no schema.
    private static readonly Dictionary<string, Dictionary<string, string>> Read = new(StringComparer.Ordinal)
    {
        ["POST /api/chat"] = new() { ["prompt"] = "string", ["sessionId"] = "string", ["stream"] = "boolean" },
        ["POST /api/auth/siwe"] = new() { ["message"] = "string", ["signature"] = "string" },
        ["POST /api/ws/ticket"] = new() { ["sessionId"] = "string" },
        ["POST /api/admin/allowlist"] = new() { ["type"] = "string", ["value"] = "string" },
    };

    private readonly Dictionary<string, Dictionary<string, string>> _declared;

    private FuzzBodies(Dictionary<string, Dictionary<string, string>> declared) => _declared = declared;

    public static FuzzBodies FromOpenApi(JsonElement document)
    {
        var declared = new Dictionary<string, Dictionary<string, string>>(Read, StringComparer.Ordinal);
        if (!document.TryGetProperty("paths", out var paths)) return new FuzzBodies(declared);
        foreach (var path in paths.EnumerateObject())
        {
            foreach (var operation in path.Value.EnumerateObject())
            {
                if (operation.Value.ValueKind != JsonValueKind.Object
                    || !operation.Value.TryGetProperty("requestBody", out var body)
                    || !body.TryGetProperty("content", out var content))
                {
                    continue;
                }
                foreach (var media in content.EnumerateObject())
                {
                    if (!media.Value.TryGetProperty("schema", out var schema)) continue;
                    var fields = Properties(document, schema);
                    if (fields.Count > 0) declared.TryAdd($"{operation.Name.ToUpperInvariant()} {path.Name.TrimEnd('/')}", fields);
                }
            }
        }
        return new FuzzBodies(declared);
    }

    /// <summary>A shaped body for the endpoint, or null when nothing is known about its fields.</summary>
    public Gen<string?>? For(FuzzEndpoint endpoint, Gen<string> anyJson)
    {
        if (!_declared.TryGetValue($"{endpoint.Method} {endpoint.Route.TrimEnd('/')}", out var fields)) return null;
        var body = Gen.Const(ImmutableFields.Empty);
        foreach (var (name, type) in fields)
        {
            var value = Gen.Frequency((3, Value(type)), (1, anyJson));
            // Each field is present two times in three: missing fields are input too.
            body = Gen.Select(body, value, Gen.Int[0, 2], (list, v, keep) => keep == 0 ? list : list.Add((name, v)));
        }
        return body.Select(list => (string?)("{" + string.Join(",", list.Items.Select(f => JsonSerializer.Serialize(f.Name) + ":" + f.Value)) + "}"));
    }

    private static Gen<string> Value(string type) => type switch
    {
        "string" => FuzzInputs.Text.Select(s => JsonSerializer.Serialize(s)),
        "integer" => Gen.Frequency((3, Gen.Int[-2, 1000].Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture))),
            (1, Gen.Long.Select(l => l.ToString(System.Globalization.CultureInfo.InvariantCulture)))),
        "number" => Gen.Double[-1e6, 1e6].Select(d => d.ToString("R", System.Globalization.CultureInfo.InvariantCulture)),
        "boolean" => Gen.Bool.Select(b => b ? "true" : "false"),
        "array" => FuzzInputs.Text.Array[0, 3].Select(items => "[" + string.Join(",", items.Select(i => JsonSerializer.Serialize(i))) + "]"),
        _ => Gen.OneOf("{}", "null", "\"\""),
    };

    private static Dictionary<string, string> Properties(JsonElement document, JsonElement schema)
    {
        schema = Resolve(document, schema);
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!schema.TryGetProperty("properties", out var properties)) return fields;
        foreach (var property in properties.EnumerateObject()) fields[property.Name] = TypeOf(Resolve(document, property.Value));
        return fields;
    }

    private static string TypeOf(JsonElement schema)
    {
        if (!schema.TryGetProperty("type", out var type)) return "object";
        if (type.ValueKind == JsonValueKind.String) return type.GetString()!;
        return type.ValueKind == JsonValueKind.Array
            ? type.EnumerateArray().Select(t => t.GetString()).FirstOrDefault(t => t is not null and not "null") ?? "object"
            : "object";
    }

    private static JsonElement Resolve(JsonElement document, JsonElement schema)
    {
        if (!schema.TryGetProperty("$ref", out var reference) || reference.GetString() is not { } path || !path.StartsWith("#/", StringComparison.Ordinal))
            return schema;
        var current = document;
        foreach (var part in path[2..].Split('/'))
        {
            if (!current.TryGetProperty(part, out current)) return schema;
        }
        return current;
    }

    private sealed record ImmutableFields(IReadOnlyList<(string Name, string Value)> Items)
    {
        public static readonly ImmutableFields Empty = new([]);
        public ImmutableFields Add((string Name, string Value) field) => new([.. Items, field]);
    }
}
