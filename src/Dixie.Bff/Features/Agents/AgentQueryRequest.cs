using System.Text.Json;
using System.Text.RegularExpressions;

namespace Dixie.Bff.Features.Agents;

/// <summary>A validated `POST /api/agent/query` body (spec 07 §2.5).</summary>
public sealed partial record AgentQueryRequest(string Query, int? MaxTokens, string? SessionId, string? KnowledgeDomain, string Format, long MaxCostMicroUsd)
{
    public const int MaxQueryLength = 10_000;
    public const long MaxCostLimit = 1_000_000_000_000;
    private static readonly string[] Formats = ["text", "json", "structured"];

    /// <summary>The request, or the 400 message of the first failed check, in the spec's order.</summary>
    public static (AgentQueryRequest? Request, string? Problem) Validate(JsonDocument? body)
    {
        if (body?.RootElement is not { ValueKind: JsonValueKind.Object } root) return (null, "Invalid request body");
        if (!root.TryGetProperty("query", out var queryValue) || queryValue.ValueKind != JsonValueKind.String
            || queryValue.GetString() is not { Length: > 0 } query)
        {
            return (null, "query field required");
        }
        if (query.Length > MaxQueryLength) return (null, "query exceeds maximum length of 10000 characters");

        int? maxTokens = null;
        if (Present(root, "maxTokens", out var tokens))
        {
            if (Integer(tokens) is not { } t || t < 1 || t > 4096) return (null, "maxTokens must be an integer between 1 and 4096");
            maxTokens = (int)t;
        }
        string? sessionId = null;
        if (Present(root, "sessionId", out var session))
        {
            if (session.ValueKind != JsonValueKind.String || !SessionIdPattern().IsMatch(session.GetString()!)) return (null, "Invalid sessionId format");
            sessionId = session.GetString();
        }
        string? domain = null;
        if (Present(root, "knowledgeDomain", out var domainValue))
        {
            if (domainValue.ValueKind != JsonValueKind.String || domainValue.GetString()!.Length > 100)
                return (null, "knowledgeDomain exceeds maximum length of 100 characters");
            domain = domainValue.GetString();
        }
        var format = "text";
        if (Present(root, "format", out var formatValue))
        {
            if (formatValue.ValueKind != JsonValueKind.String || !Formats.Contains(formatValue.GetString()))
                return (null, "format must be one of: text, json, structured");
            format = formatValue.GetString()!;
        }
        long maxCost = 0;
        if (Present(root, "maxCostMicroUsd", out var costValue))
        {
            if (Integer(costValue) is not { } c || c < 0 || c > MaxCostLimit) return (null, "maxCostMicroUsd must be a non-negative integer");
            maxCost = c;
        }
        return (new AgentQueryRequest(query, maxTokens, sessionId, domain, format, maxCost), null);
    }

    // Null reads as absent, as in the chat body (spec 05 §2.1).
    private static bool Present(JsonElement root, string name, out JsonElement value) =>
        root.TryGetProperty(name, out value) && value.ValueKind != JsonValueKind.Null;

    /// <summary>A JSON number with an integral value (`5` and `5.0` alike, as `Number.isInteger` sees them).</summary>
    private static long? Integer(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Number) return null;
        if (value.TryGetInt64(out var whole)) return whole;
        return value.TryGetDouble(out var d) && double.IsFinite(d) && Math.Floor(d) == d && Math.Abs(d) < 1e15 ? (long)d : null;
    }

    [GeneratedRegex(@"\A[A-Za-z0-9_-]{1,128}\z")]
    private static partial Regex SessionIdPattern();
}
