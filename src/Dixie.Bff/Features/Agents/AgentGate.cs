using System.Globalization;
using Dixie.Bff.Features.Agents.Conviction;
using Dixie.Bff.Infrastructure.Finn;
using Dixie.Bff.Infrastructure.Http;
using Dixie.Bff.Infrastructure.RateLimiting;

namespace Dixie.Bff.Features.Agents;

/// <summary>
/// Gates 3–5 of spec 07 §2.1 as a route filter, after the pipeline's allowlist gate: TBA
/// authentication, the owner's tier ≥ architect (resolved for the TBA owner, not the JWT wallet), then
/// the per-TBA limit, so only requests that got this far consume quota.
/// </summary>
public sealed class AgentGate(string deniedMessage) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var services = http.RequestServices;
        var (headers, failure) = TbaHeaderRules.Read(http.Request, services.GetRequiredService<TimeProvider>().GetUtcNow());
        if (headers is null) return Unauthorized(failure!);

        var caller = new FinnCallContext(http.TraceIdentifier, http.Connection.RemoteIpAddress?.ToString());
        var verification = await services.GetRequiredService<TbaVerifier>().VerifyAsync(headers, caller, http.RequestAborted);
        if (verification.Failure is { } unavailable) return FinnErrors.ToResult(unavailable);
        if (verification.Identity is not { } agent) return Unauthorized(TbaHeaderRules.InvalidSignature);

        var owner = await services.GetRequiredService<ConvictionResolver>().ResolveAsync(agent.OwnerWallet, http.RequestAborted);
        if (!owner.Tier.Meets(ConvictionTier.Architect)) return ConvictionDenial.Result(owner.Tier, ConvictionTier.Architect, deniedMessage);

        var limit = await services.GetRequiredService<AgentRateLimiter>().DecideAsync(agent.TbaAddress);
        if (!limit.Admitted)
        {
            RateLimitMetrics.CountRejected(limit.Limiter!, limit.Backend);
            http.Response.Headers.RetryAfter = limit.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
            return TypedResults.Json(new RateLimitedError("rate_limited", "Agent rate limit exceeded", limit.RetryAfterSeconds),
                DixieJson.Wire.RateLimitedError, statusCode: StatusCodes.Status429TooManyRequests);
        }

        http.Features.Set(agent);
        http.Features.Set(new AgentOwner(owner));
        return await next(context);
    }

    private static Microsoft.AspNetCore.Http.HttpResults.JsonHttpResult<ApiError> Unauthorized(string message) => ApiErrors.Result(StatusCodes.Status401Unauthorized, "unauthorized", message);
}

/// <summary>The TBA owner's resolved tier, for handlers that depend on it (the capabilities' model pool).</summary>
public sealed record AgentOwner(ConvictionResult Conviction)
{
    public static AgentOwner Of(HttpContext context) =>
        context.Features.Get<AgentOwner>() ?? throw new InvalidOperationException("The agent gate did not run for this route");
}
