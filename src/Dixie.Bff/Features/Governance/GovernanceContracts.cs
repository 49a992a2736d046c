using System.Text.Json.Serialization;

namespace Dixie.Bff.Features.Governance;

public sealed record GovernorHealthView(string Status, long TotalItems, long StaleItems, long Version);

public sealed record InvariantView(string Id, string Description, bool Satisfied, string Detail);

/// <summary>One governor in `GET /api/health/governance`; `health` is null (and `error` set) when its check failed.</summary>
public sealed record GovernorView(
    string ResourceType,
    GovernorHealthView? Health,
    IReadOnlyList<InvariantView> Invariants,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Error)
{
    public static GovernorView From(GovernorSnapshot snapshot) => new(
        snapshot.ResourceType,
        snapshot.Check is { } c ? new GovernorHealthView(c.Status, c.TotalItems, c.StaleItems, c.Version) : null,
        snapshot.Check?.Invariants.Select(i => new InvariantView(i.Id, i.Description, i.Satisfied, i.Detail)).ToList() ?? [],
        snapshot.Error);
}

/// <summary>
/// `GET /api/health/governance` (spec 08 §1.4). `degradedResources` counts only `"degraded"` healths: a
/// null health is not counted, keeping the existing service's asymmetry with the `/api/health` summary.
/// </summary>
public sealed record GovernanceReport(IReadOnlyList<GovernorView> Governors, int TotalResources, int DegradedResources, string Timestamp);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(GovernanceReport))]
internal sealed partial class GovernanceJson : JsonSerializerContext
{
    public static GovernanceJson Wire { get; } = new(new System.Text.Json.JsonSerializerOptions
    {
        PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.CamelCase,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}
