namespace Dixie.Bff.Infrastructure.Identity;

/// <summary>
/// The admin-key routes of spec 02 §9.2, matched as the gate matches paths (§11): decoded path,
/// case-insensitive, by whole segments, one trailing `/` ignored.
/// </summary>
public static class AdminKeyRoutes
{
    private static readonly (string Method, string Path)[] Exact =
    [
        (HttpMethods.Get, "/api/health/governance"),
        (HttpMethods.Get, "/api/reputation/population"),
        (HttpMethods.Post, "/api/reputation/events"),
    ];

    public static bool Matches(HttpRequest request)
    {
        // Everything below /api/admin, any method, whether or not a route matches (401/403 before 404).
        if (request.Path.StartsWithSegments("/api/admin", StringComparison.OrdinalIgnoreCase)) return true;
        return GateRoutes.MatchesExact(request, Exact);
    }
}
