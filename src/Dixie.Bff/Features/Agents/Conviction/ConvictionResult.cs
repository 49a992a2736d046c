using System.Text.Json;
using System.Text.Json.Serialization;

namespace Dixie.Bff.Features.Agents.Conviction;

/// <summary>Which resolver step answered (spec 07 §1.2).</summary>
public static class ConvictionSource
{
    public const string Default = "default";
    public const string Admin = "admin";
    public const string Freeside = "freeside";
    public const string LegacyAllowlist = "legacy_allowlist";
}

/// <summary>
/// A resolved tier: <c>{tier, bgtStaked, capabilities[], modelPool, source, cachedAt?}</c>. The same
/// JSON is the Redis cache value, in the shape the TypeScript service wrote, so its entries stay readable.
/// </summary>
public sealed record ConvictionResult(
    [property: JsonPropertyName("tier")] string TierName,
    [property: JsonPropertyName("bgtStaked")] double BgtStaked,
    [property: JsonPropertyName("capabilities")] IReadOnlyList<string> Capabilities,
    [property: JsonPropertyName("modelPool")] string ModelPool,
    [property: JsonPropertyName("source")] string Source,
    // Unix milliseconds, as `Date.now()` wrote it; set only on a result read back from the cache.
    [property: JsonPropertyName("cachedAt")] long? CachedAt = null)
{
    [JsonIgnore]
    public ConvictionTier Tier => ConvictionTier.FromName(TierName) ?? ConvictionTier.Observer;

    public static ConvictionResult Of(ConvictionTier tier, double bgtStaked, string source) =>
        new(tier.Name, bgtStaked, tier.Capabilities, tier.ModelPool, source);

    public static ConvictionResult Observer { get; } = Of(ConvictionTier.Observer, 0, ConvictionSource.Default);

    public byte[] ToCacheJson(long cachedAtMs) =>
        JsonSerializer.SerializeToUtf8Bytes(this with { CachedAt = cachedAtMs }, ConvictionJson.Default.ConvictionResult);

    /// <summary>A cached entry, or null when it is not one this service can use (it is then re-resolved).</summary>
    public static ConvictionResult? FromCacheJson(string? json)
    {
        if (string.IsNullOrEmpty(json)) return null;
        try
        {
            var value = JsonSerializer.Deserialize(json, ConvictionJson.Default.ConvictionResult);
            return value is not null && ConvictionTier.FromName(value.TierName) is not null && value.Source is not null ? value : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    NumberHandling = JsonNumberHandling.AllowReadingFromString)]
[JsonSerializable(typeof(ConvictionResult))]
internal sealed partial class ConvictionJson : JsonSerializerContext;
