using System.Text.Json.Serialization;
using Dixie.Bff.Infrastructure.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Dixie.Bff.Features.Agents.Conviction;

/// <summary>The 403 body of spec 07 §1.4, field for field as the TypeScript service sent it.</summary>
public sealed record ConvictionDenialError(
    string Error,
    string Message,
    [property: JsonPropertyName("actual_tier"), JsonPropertyOrder(1)] string ActualTier,
    [property: JsonPropertyName("required_tier"), JsonPropertyOrder(2)] string RequiredTier,
    [property: JsonPropertyName("denial_codes"), JsonPropertyOrder(3)] IReadOnlyList<string> DenialCodes,
    [property: JsonPropertyName("evaluation_gap"), JsonPropertyOrder(4)] EvaluationGap EvaluationGap) : ApiError(Error, Message);

/// <summary>Only the gaps that apply; `{}` when none does.</summary>
public sealed record EvaluationGap(
    [property: JsonPropertyName("trust_score_gap")] double? TrustScoreGap,
    [property: JsonPropertyName("reputation_state_gap")] int? ReputationStateGap);

/// <summary>Builds every conviction denial (spec 07 §1.4), so each route sends the same body.</summary>
public static class ConvictionDenial
{
    public const string TrustScoreBelowThreshold = "TRUST_SCORE_BELOW_THRESHOLD";
    public const string TrustStateBelowThreshold = "TRUST_STATE_BELOW_THRESHOLD";

    public static ConvictionDenialError Body(ConvictionTier actual, ConvictionTier required, string message)
    {
        var codes = new List<string>(2);
        double? scoreGap = null;
        int? stateGap = null;
        if (actual.TrustScore < required.TrustScore)
        {
            codes.Add(TrustScoreBelowThreshold);
            // IEEE double subtraction, kept unrounded: clients compare against 0.30000000000000004.
            scoreGap = required.TrustScore - actual.TrustScore;
        }
        if (actual.TrustState < required.TrustState)
        {
            codes.Add(TrustStateBelowThreshold);
            stateGap = (int)required.TrustState - (int)actual.TrustState;
        }
        return new ConvictionDenialError("forbidden", message, actual.Name, required.Name, codes, new EvaluationGap(scoreGap, stateGap));
    }

    public static JsonHttpResult<ConvictionDenialError> Result(ConvictionTier actual, ConvictionTier required, string message) =>
        TypedResults.Json(Body(actual, required, message), ConvictionWireJson.Wire.ConvictionDenialError, statusCode: StatusCodes.Status403Forbidden);

    /// <summary>For filters and middleware that answer before an endpoint runs.</summary>
    public static Task WriteAsync(HttpContext context, ConvictionTier actual, ConvictionTier required, string message)
    {
        context.Response.StatusCode = StatusCodes.Status403Forbidden;
        return context.Response.WriteAsJsonAsync(Body(actual, required, message), ConvictionWireJson.Wire.ConvictionDenialError, ApiErrors.JsonContentType);
    }
}

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(ConvictionDenialError))]
[JsonSerializable(typeof(ConvictionResult))]
internal sealed partial class ConvictionWireJson : JsonSerializerContext
{
    public static ConvictionWireJson Wire { get; } = new(new System.Text.Json.JsonSerializerOptions
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.CamelCase,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}
