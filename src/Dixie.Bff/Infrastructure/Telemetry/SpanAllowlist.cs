namespace Dixie.Bff.Infrastructure.Telemetry;

/// <summary>The six span names of spec 10 §5.2 and the attributes each may carry.</summary>
public static class SpanAllowlist
{
    public const string Request = "dixie.request";
    public const string Auth = "dixie.auth";
    public const string FinnInference = "dixie.finn.inference";
    public const string ReputationUpdate = "dixie.reputation.update";
    public const string FleetSpawn = "dixie.fleet.spawn";
    public const string GovernanceCheck = "dixie.governance.check";

    private static readonly Dictionary<string, HashSet<string>> Allowed = new(StringComparer.Ordinal)
    {
        [Request] = Set("method", "url", "status_code", "duration_ms",
            // The semantic-convention attributes ASP.NET Core sets that carry no identity, IP or query.
            "http.request.method", "http.request.method_original", "http.route", "http.response.status_code",
            "url.scheme", "url.path", "server.address", "server.port", "network.protocol.version", "error.type"),
        [Auth] = Set("auth_type", "wallet_hash", "tier"),
        [FinnInference] = Set("model", "tokens", "latency_ms", "circuit_state"),
        [ReputationUpdate] = Set("model_id", "score", "ema_value", "event_type"),
        [FleetSpawn] = Set("task_type", "cost", "identity_hash", "task_id", "outcome"),
        [GovernanceCheck] = Set("resource_type", "decision", "witness_count", "denial_reason", "tier"),
    };

    public static bool IsGoverned(string spanName) => Allowed.ContainsKey(spanName);

    public static bool IsAllowed(string spanName, string attribute) =>
        Allowed.TryGetValue(spanName, out var allowed) && allowed.Contains(attribute);

    private static HashSet<string> Set(params string[] names) => new(names, StringComparer.Ordinal);
}
