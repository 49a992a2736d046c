using System.Globalization;

namespace Dixie.Bff.Infrastructure.RateLimiting;

/// <summary>
/// The headers of spec 02 §10.6: the legacy `X-RateLimit-*` pair and the IETF `RateLimit-Policy` /
/// `RateLimit` structured fields (draft-ietf-httpapi-ratelimit-headers, revision 08 and later).
/// </summary>
public static class RateLimitHeaders
{
    public const string Limit = "X-RateLimit-Limit";
    public const string Remaining = "X-RateLimit-Remaining";
    public const string Policy = "RateLimit-Policy";
    public const string State = "RateLimit";

    private const long MicrosPerSecond = 1_000_000;

    public static void Write(IHeaderDictionary headers, RateLimitPolicy policy, RateLimitDecision decision)
    {
        var window = Gcra.PeriodUs / MicrosPerSecond;
        headers[Limit] = Invariant(policy.Limit);
        headers[Remaining] = Invariant(decision.Remaining);
        headers[Policy] = $"\"{policy.Name}\";q={Invariant(policy.Limit)};w={Invariant(window)}";
        headers[State] = $"\"{policy.Name}\";r={Invariant(decision.Remaining)};t={Invariant(Gcra.CeilDiv(decision.ResetUs, MicrosPerSecond))}";
    }

    /// <summary>`Retry-After` and the body's `retry_after`: whole seconds, at least 1.</summary>
    public static long RetryAfterSeconds(RateLimitDecision decision) => Math.Max(1, Gcra.CeilDiv(decision.RetryUs, MicrosPerSecond));

    private static string Invariant(long value) => value.ToString(CultureInfo.InvariantCulture);
}
