using System.Text.Json.Serialization;

namespace Dixie.Bff.Features.Agents;

public sealed record AgentSkill(string Name, string Description, long CostEstimateMicroUsd);

public sealed record AgentRateLimits(int RequestsPerMinute, int RequestsPerDay);

public sealed record AgentPricing(long BaseCostMicroUsd, long PerTokenMicroUsd);

/// <summary>`GET /api/agent/capabilities` (spec 07 §2.4); fixed apart from the pool and the limits.</summary>
public sealed record AgentCapabilities(
    string OracleId,
    IReadOnlyList<string> KnowledgeDomains,
    IReadOnlyList<string> SupportedFormats,
    string ModelPool,
    IReadOnlyList<AgentSkill> Skills,
    AgentRateLimits RateLimits,
    AgentPricing Pricing);

public sealed record AgentSource(string Id, string Title, double Relevance);

public sealed record AgentCost(string ModelUsed, long InputTokens, long OutputTokens, long CostMicroUsd);

/// <summary>The mock settlement receipt: settlement is out of scope, so there is no transaction hash.</summary>
public sealed record AgentReceipt(string ReceiptId, string Payer, string Payee, long AmountMicroUsd, string Timestamp);

/// <summary>`POST /api/agent/query` 200 (spec 07 §2.5).</summary>
public sealed record AgentQueryResponse(
    string Response,
    string Format,
    IReadOnlyList<AgentSource> Sources,
    AgentCost Cost,
    AgentReceipt Receipt,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? SessionId);

/// <summary>The agent query forwarded to finn's `POST /api/chat`; absent values are omitted.</summary>
public sealed record FinnAgentQuery(
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("agentTba")] string AgentTba,
    [property: JsonPropertyName("format")] string Format,
    [property: JsonPropertyName("maxTokens"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? MaxTokens,
    [property: JsonPropertyName("knowledgeDomain"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? KnowledgeDomain,
    [property: JsonPropertyName("sessionId"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? SessionId);

/// <summary>`GET /api/agent/knowledge`: finn's two fields passed through, or zeros.</summary>
public sealed record AgentKnowledge(System.Text.Json.JsonElement Domains, System.Text.Json.JsonElement TotalDocuments);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(AgentCapabilities))]
[JsonSerializable(typeof(AgentQueryResponse))]
[JsonSerializable(typeof(AgentKnowledge))]
internal sealed partial class AgentJson : JsonSerializerContext
{
    public static AgentJson Wire { get; } = new(new System.Text.Json.JsonSerializerOptions
    {
        PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.CamelCase,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}
