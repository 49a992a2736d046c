using System.Text.Json;
using System.Text.Json.Nodes;

namespace Dixie.Bff.Features.Reputation;

/// <summary>Structural JSON equality for replay comparison: numbers compare as doubles, exactly; member order is ignored.</summary>
public static class JsonSame
{
    public static bool Equal(JsonNode? a, JsonNode? b)
    {
        if (a is null || b is null) return a is null && b is null;
        switch (a, b)
        {
            case (JsonObject x, JsonObject y):
                return x.Count == y.Count && x.All(p => y.TryGetPropertyValue(p.Key, out var other) && Equal(p.Value, other));
            case (JsonArray x, JsonArray y):
                return x.Count == y.Count && x.Zip(y).All(pair => Equal(pair.First, pair.Second));
            case (JsonValue x, JsonValue y):
                if (x.GetValueKind() == JsonValueKind.Number && y.GetValueKind() == JsonValueKind.Number)
                    return AggregateJson.Number(x)!.Value.Equals(AggregateJson.Number(y)!.Value);
                return x.GetValueKind() == y.GetValueKind() && x.ToJsonString() == y.ToJsonString();
            default:
                return false;
        }
    }

    /// <summary>The top-level members whose values differ (present on one side only counts), in ordinal order.</summary>
    public static IEnumerable<string> DifferingMembers(JsonObject stored, JsonObject replayed) =>
        stored.Select(p => p.Key).Union(replayed.Select(p => p.Key), StringComparer.Ordinal)
            .Where(key => stored.ContainsKey(key) != replayed.ContainsKey(key) || !Equal(stored[key], replayed[key]))
            .Order(StringComparer.Ordinal);
}
