namespace Dixie.Bff.Infrastructure.Identity;

/// <summary>
/// The route tables of the allowlist gate (spec 02 §11). Paths are matched as Kestrel decoded them,
/// case-insensitively, by whole segments, with one trailing `/` ignored — so `/api/healthcheck` is
/// not under `/api/health`.
/// </summary>
public static class GateRoutes
{
    // Exempt whatever the method: their handlers (or the admin-key check) decide.
    private static readonly string[] ExemptPrefixes = ["/api/health", "/api/auth", "/api/admin"];

    // Exempt only for this method: other methods on these paths are gated like any unknown route.
    private static readonly (string Method, string Path)[] ExemptExact =
    [
        (HttpMethods.Get, "/api/reputation/query"),
        (HttpMethods.Get, "/api/reputation/population"),
        (HttpMethods.Post, "/api/reputation/events"),
    ];

    private static readonly (string Method, string Path)[] HealthReport =
        [(HttpMethods.Get, "/api/health"), (HttpMethods.Head, "/api/health")];

    /// <summary>`GET` or `HEAD /api/health` (spec 03 §1: HEAD is answered like GET, with no side effects).</summary>
    public static bool IsHealthReport(HttpRequest request) => MatchesExact(request, HealthReport);

    public static bool IsExempt(HttpRequest request)
    {
        foreach (var prefix in ExemptPrefixes)
        {
            if (request.Path.StartsWithSegments(prefix, StringComparison.OrdinalIgnoreCase)) return true;
        }
        return MatchesExact(request, ExemptExact);
    }

    /// <summary>
    /// Routes where the admin key acts as a service credential: `/api/fleet/**` (spec 07) and
    /// `GET /api/reputation/{nftId}` and `/cohorts` (spec 06).
    /// </summary>
    public static bool AcceptsAdmin(HttpRequest request)
    {
        if (request.Path.StartsWithSegments("/api/fleet", StringComparison.OrdinalIgnoreCase)) return true;
        if (!HttpMethods.IsGet(request.Method)) return false;
        var segments = Segments(request.Path);
        // The exempt siblings (`query`, `population`) never reach the gate, so any other single
        // segment here is an nft id.
        return segments.Length is 3 or 4
            && Is(segments[0], "api") && Is(segments[1], "reputation")
            && (segments.Length == 3 || Is(segments[3], "cohorts"));
    }

    internal static bool MatchesExact(HttpRequest request, (string Method, string Path)[] routes)
    {
        var path = WithoutTrailingSlash(request.Path.Value ?? "");
        foreach (var (method, exact) in routes)
        {
            if (HttpMethods.Equals(request.Method, method) && string.Equals(path, exact, StringComparison.OrdinalIgnoreCase)) return true;
        }
        return false;
    }

    private static string WithoutTrailingSlash(string path) => path.Length > 1 && path[^1] == '/' ? path[..^1] : path;

    private static string[] Segments(PathString path) =>
        WithoutTrailingSlash(path.Value ?? "").Split('/', StringSplitOptions.RemoveEmptyEntries);

    private static bool Is(string segment, string expected) => string.Equals(segment, expected, StringComparison.OrdinalIgnoreCase);
}
