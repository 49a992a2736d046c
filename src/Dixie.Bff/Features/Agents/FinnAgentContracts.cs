using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using Dixie.Bff.Infrastructure.Finn;

namespace Dixie.Bff.Features.Agents;

/// <summary>The body of finn's `POST /api/auth/verify-tba`.</summary>
public sealed record FinnVerifyTbaRequest(
    [property: JsonPropertyName("tbaAddress")] string TbaAddress,
    [property: JsonPropertyName("signature")] string Signature,
    [property: JsonPropertyName("message")] string Message);

/// <summary>finn's verification; the addresses' meaning is checked by the caller, the shape here.</summary>
public sealed record FinnTbaVerification(
    [property: JsonPropertyName("tbaAddress"), JsonRequired] string TbaAddress,
    [property: JsonPropertyName("nftContract"), JsonRequired] string NftContract,
    [property: JsonPropertyName("tokenId"), JsonRequired] JsonElement TokenId,
    [property: JsonPropertyName("ownerWallet"), JsonRequired] string OwnerWallet) : IFinnReply
{
    bool IFinnReply.IsWellFormed => TbaAddress is not null && NftContract is not null && OwnerWallet is not null
        && TokenId.ValueKind is JsonValueKind.String or JsonValueKind.Number;

    public string TokenIdText => TokenId.ValueKind == JsonValueKind.String ? TokenId.GetString()! : TokenId.GetRawText();
}

/// <summary>finn's agent answer to `POST /api/chat` (spec 07 §2.5).</summary>
public sealed partial record FinnAgentAnswer(
    [property: JsonPropertyName("response"), JsonRequired] string Response,
    [property: JsonPropertyName("model"), JsonRequired] string Model,
    [property: JsonPropertyName("input_tokens"), JsonRequired] long InputTokens,
    [property: JsonPropertyName("output_tokens"), JsonRequired] long OutputTokens,
    [property: JsonPropertyName("sources")] JsonElement? Sources) : IFinnReply
{
    [GeneratedRegex(@"\A[A-Za-z0-9._:/@-]{1,128}\z")]
    private static partial Regex ModelPattern();

    bool IFinnReply.IsWellFormed => Response is not null && Model is not null && ModelPattern().IsMatch(Model)
        && InputTokens >= 0 && OutputTokens >= 0 && ReadSources() is not null;

    /// <summary>`[]` when absent or null; null when present but not an array of `{id, title, relevance}`.</summary>
    public IReadOnlyList<AgentSource>? ReadSources()
    {
        if (Sources is not { } sources || sources.ValueKind == JsonValueKind.Null) return [];
        if (sources.ValueKind != JsonValueKind.Array) return null;
        var list = new List<AgentSource>();
        foreach (var item in sources.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Object
                || !item.TryGetProperty("id", out var id) || id.ValueKind != JsonValueKind.String
                || !item.TryGetProperty("title", out var title) || title.ValueKind != JsonValueKind.String
                || !item.TryGetProperty("relevance", out var relevance) || relevance.ValueKind != JsonValueKind.Number
                || !relevance.TryGetDouble(out var score) || !double.IsFinite(score))
            {
                return null;
            }
            list.Add(new AgentSource(id.GetString()!, title.GetString()!, score));
        }
        return list;
    }
}

/// <summary>finn's `GET /api/knowledge/metadata`; both fields are passed through as they are.</summary>
public sealed record FinnKnowledgeMetadata(
    [property: JsonPropertyName("domains"), JsonRequired] JsonElement Domains,
    [property: JsonPropertyName("totalDocuments"), JsonRequired] JsonElement TotalDocuments) : IFinnReply
{
    bool IFinnReply.IsWellFormed => Domains.ValueKind == JsonValueKind.Array && TotalDocuments.ValueKind == JsonValueKind.Number;
}

[JsonSerializable(typeof(FinnVerifyTbaRequest))]
[JsonSerializable(typeof(FinnTbaVerification))]
[JsonSerializable(typeof(FinnAgentAnswer))]
[JsonSerializable(typeof(FinnKnowledgeMetadata))]
[JsonSerializable(typeof(AgentIdentity))]
internal sealed partial class FinnAgentJson : JsonSerializerContext;
