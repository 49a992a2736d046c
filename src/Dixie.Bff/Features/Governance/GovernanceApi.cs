using Dixie.Bff.Infrastructure;
using Dixie.Bff.Infrastructure.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Dixie.Bff.Features.Governance;

/// <summary>
/// `GET /api/health/governance`: a fresh check of every governor, stored as the snapshot. The admin-key
/// stage (spec 02 §12.1) has already answered 401/403, including "Admin API not configured".
/// </summary>
public static class GovernanceApi
{
    public static RouteHandlerBuilder MapGovernance(this IEndpointRouteBuilder app) =>
        app.MapGet("/api/health/governance", GetAsync)
            .WithTags("health")
            .Produces<ApiError>(StatusCodes.Status401Unauthorized)
            .Produces<ApiError>(StatusCodes.Status403Forbidden)
            .WithSummary("Governor health and invariants (admin key)");

    private static async Task<JsonHttpResult<GovernanceReport>> GetAsync(GovernanceChecks checks, TimeProvider clock, CancellationToken ct)
    {
        var snapshot = await checks.RefreshAsync(ct);
        var report = new GovernanceReport(
            [.. snapshot.Select(GovernorView.From)],
            snapshot.Count,
            snapshot.Count(s => s.IsDegraded),
            IsoTime.Format(clock.GetUtcNow()));
        return TypedResults.Json(report, GovernanceJson.Wire.GovernanceReport);
    }
}
