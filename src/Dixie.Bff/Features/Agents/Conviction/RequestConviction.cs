using Dixie.Bff.Infrastructure.Identity;

namespace Dixie.Bff.Features.Agents.Conviction;

/// <summary>
/// The caller's tier, resolved at most once per request (spec 07 §1.3) and memoised on it: the wallet's
/// tier for a JWT, observer for an API key or the admin key (no wallet), none for anonymous callers.
/// </summary>
public static class RequestConviction
{
    private sealed record Memo(ConvictionResult Result);

    /// <summary>The caller's tier, or null for an anonymous request. Never throws for a finn or cache failure.</summary>
    public static async Task<ConvictionResult?> OfAsync(HttpContext context)
    {
        if (context.Features.Get<Memo>() is { } memo) return memo.Result;
        var identity = RequestIdentity.Of(context);
        if (identity.Kind == IdentityKind.Anonymous) return null;
        var result = identity.Kind == IdentityKind.Wallet
            ? await ResolveOrObserverAsync(context, identity.Wallet)
            : ConvictionResult.Observer;
        context.Features.Set(new Memo(result));
        return result;
    }

    private static async Task<ConvictionResult> ResolveOrObserverAsync(HttpContext context, string? wallet)
    {
        try
        {
            return await context.RequestServices.GetRequiredService<ConvictionResolver>().ResolveAsync(wallet, context.RequestAborted);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The stage never blocks (spec 02 §12.2): an unexpected failure means observer.
            return ConvictionResult.Observer;
        }
    }
}

/// <summary>
/// Stage 16 (spec 02 §12.2): `X-Conviction-Tier` on every `/api` response of an authenticated caller
/// that got past the gate and the admin-key check, except `GET /api/health` (which has no side effects).
/// </summary>
public sealed class ConvictionTierHeader(RequestDelegate next)
{
    public const string HeaderName = "X-Conviction-Tier";

    public async Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        var isHealth = GateRoutes.IsHealthReport(request);
        if (request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase) && !isHealth
            && await RequestConviction.OfAsync(context) is { } conviction)
        {
            context.Response.Headers[HeaderName] = conviction.TierName;
        }
        await next(context);
    }

}
