using System.Globalization;
using Dixie.Bff.Infrastructure.Http;
using Dixie.Bff.Infrastructure.Identity;

namespace Dixie.Bff.Infrastructure.RateLimiting;

/// <summary>
/// Stage 13 (spec 02 §10): after authentication, before the gate, so rejected credentials still
/// spend the caller's budget. Every limited request gets the rate-limit headers; a rejected one is
/// answered 429 here.
/// </summary>
public sealed class RateLimitMiddleware(RequestDelegate next, ApiRateLimiter limiter, RateLimitPolicies policies)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var identity = RequestIdentity.Of(context);
        if (RateLimitScope.PolicyFor(context.Request, identity, policies) is not { } policy)
        {
            await next(context);
            return;
        }

        var clientIp = context.Connection.RemoteIpAddress;
        var key = policy.Name == RateLimitPolicy.ReputationQueryName
            ? RateLimitKeys.ForClientIp(clientIp)
            : RateLimitKeys.ForIdentity(identity, clientIp);
        var (decision, backend) = await limiter.DecideAsync(policy, key, context.RequestAborted);
        RateLimitHeaders.Write(context.Response.Headers, policy, decision);
        if (decision.Admitted)
        {
            await next(context);
            return;
        }

        RateLimitMetrics.CountRejected(policy.Name, backend);
        var retryAfter = RateLimitHeaders.RetryAfterSeconds(decision);
        context.Response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
        await ApiErrors.WriteAsync(context, StatusCodes.Status429TooManyRequests,
            new RateLimitedError("rate_limited", "Too many requests", retryAfter));
    }
}
