using System.Text.Json.Serialization;
using Dixie.Bff.Features.Admin;
using Dixie.Bff.Features.Health;

namespace Dixie.Bff.Infrastructure.Http;

/// <summary>
/// Source-generated JSON for the service's own contracts: no reflection on hot paths, and the
/// reader settings of spec 02 §13.3 (no comments, no trailing commas, depth 32).
/// </summary>
[JsonSourceGenerationOptions(
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    ReadCommentHandling = System.Text.Json.JsonCommentHandling.Disallow,
    AllowTrailingCommas = false,
    MaxDepth = 32)]
[JsonSerializable(typeof(ApiError))]
[JsonSerializable(typeof(InternalServerError))]
[JsonSerializable(typeof(NotReadyError))]
[JsonSerializable(typeof(RateLimitedError))]
[JsonSerializable(typeof(ServiceBanner))]
[JsonSerializable(typeof(HealthReport))]
[JsonSerializable(typeof(LiveResponse))]
[JsonSerializable(typeof(ReadyResponse))]
[JsonSerializable(typeof(AuditPageResponse))]
[JsonSerializable(typeof(AuditVerifyResponse))]
public sealed partial class DixieJson : JsonSerializerContext
{
    /// <summary>
    /// The context responses use: like <see cref="Default"/>, but text such as the `+` of a build
    /// version stays readable instead of becoming `\u002B` (the bodies are JSON, never HTML).
    /// </summary>
    public static DixieJson Wire { get; } = new(new System.Text.Json.JsonSerializerOptions
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        ReadCommentHandling = System.Text.Json.JsonCommentHandling.Disallow,
        AllowTrailingCommas = false,
        MaxDepth = 32,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}
