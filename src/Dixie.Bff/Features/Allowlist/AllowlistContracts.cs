using System.Text.Json;
using System.Text.Json.Serialization;

namespace Dixie.Bff.Features.Allowlist;

/// <summary>
/// The admin view of spec 04 §7.1: the file's document with wallets in EIP-55 form and API keys
/// masked (`dxk_01234567...` for plaintext entries, `sha256:&lt;hex&gt;` for hashed ones), plus the
/// members the service does not interpret. Entries the load skipped are not shown.
/// </summary>
public sealed record AllowlistView
{
    [JsonPropertyName("version")] public required long Version { get; init; }
    [JsonPropertyName("wallets")] public required IReadOnlyList<string> Wallets { get; init; }
    [JsonPropertyName("apiKeys")] public required IReadOnlyList<string> ApiKeys { get; init; }

    /// <summary>Null until the service has written the file.</summary>
    [JsonPropertyName("updated_at"), JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public required string? UpdatedAt { get; init; }

    // Settable rather than init: System.Text.Json cannot bind extension data through init accessors.
    [JsonExtensionData] public Dictionary<string, JsonElement>? Preserved { get; set; }

    public static AllowlistView From(AllowlistDocument document)
    {
        var preserved = document.PreservedMembers.ToDictionary(
            member => member.Key,
            member => JsonDocument.Parse(member.Value?.ToJsonString() ?? "null").RootElement.Clone(),
            StringComparer.Ordinal);
        return new AllowlistView
        {
            Version = document.Version,
            Wallets = document.Wallets,
            ApiKeys = [.. document.ApiKeys.Select(key => key.Masked)],
            UpdatedAt = document.UpdatedAt,
            Preserved = preserved.Count > 0 ? preserved : null,
        };
    }
}

/// <summary>`POST` and `DELETE` answer `{"ok":true,"data":&lt;view&gt;}`.</summary>
public sealed record AllowlistChangeResponse(
    [property: JsonPropertyName("ok")] bool Ok,
    [property: JsonPropertyName("data")] AllowlistView Data);

/// <summary>The `POST` body (documented; read by hand so each problem gets the message of spec 04 §7.2).</summary>
public sealed record AllowlistChangeRequest(
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("value")] string Value);

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(AllowlistView))]
[JsonSerializable(typeof(AllowlistChangeResponse))]
[JsonSerializable(typeof(AllowlistChangeRequest))]
public sealed partial class AllowlistJson : JsonSerializerContext
{
    /// <summary>Responses keep text such as `+` readable, as the service's other bodies do.</summary>
    public static AllowlistJson Wire { get; } = new(new JsonSerializerOptions
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}
