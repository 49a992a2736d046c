using Dixie.Bff.Infrastructure.Identity;

namespace Dixie.Bff.Infrastructure.RateLimiting;

/// <summary>
/// Which policy limits a request, if any (spec 02 §10.1). Paths match as the gate matches them
/// (<see cref="GateRoutes"/>): case-insensitive, by whole segments, one trailing `/` ignored.
/// </summary>
public static class RateLimitScope
{
    private static readonly (string Method, string Path)[] ReputationQuery = [(HttpMethods.Get, "/api/reputation/query")];

    /// <summary>Null when the request is exempt.</summary>
    public static RateLimitPolicy? PolicyFor(HttpRequest request, RequestIdentity identity, RateLimitPolicies policies)
    {
        if (!request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase)) return null;
        if (IsPreflight(request) || GateRoutes.IsHealthReport(request)) return null;
        // Public: credentials are ignored, and an admin key does not exempt it either.
        if (GateRoutes.MatchesExact(request, ReputationQuery)) return policies.ReputationQuery;
        // The admin key is a service credential; a wrong key left the identity anonymous.
        return identity.Kind == IdentityKind.Admin ? null : policies.Default;
    }

    /// <summary>The CORS stage answers these itself; the check keeps them exempt wherever that stage sits.</summary>
    private static bool IsPreflight(HttpRequest request) =>
        HttpMethods.IsOptions(request.Method)
        && request.Headers.Origin.Count > 0
        && request.Headers.AccessControlRequestMethod.Count > 0;
}
