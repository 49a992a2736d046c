using Dixie.Bff.Infrastructure.Configuration;

namespace Dixie.Bff.Infrastructure.RateLimiting;

/// <summary>One limiter policy of spec 02 §10.1: its name (in headers, keys and metrics) and limit per minute.</summary>
public sealed record RateLimitPolicy(string Name, int Limit)
{
    public const string DefaultName = "default";
    public const string ReputationQueryName = "reputation-query";
}

/// <summary>The two `/api` policies, with the limits of `DIXIE_RATE_LIMIT_RPM` and `DIXIE_REPUTATION_QUERY_RPM`.</summary>
public sealed record RateLimitPolicies(RateLimitPolicy Default, RateLimitPolicy ReputationQuery)
{
    public static RateLimitPolicies From(AccessSettings access) => new(
        new RateLimitPolicy(RateLimitPolicy.DefaultName, access.RateLimitRpm),
        new RateLimitPolicy(RateLimitPolicy.ReputationQueryName, access.ReputationQueryRpm));
}
