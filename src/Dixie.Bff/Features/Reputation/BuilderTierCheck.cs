using Dixie.Bff.Features.Agents.Conviction;
using Dixie.Bff.Infrastructure.Identity;

namespace Dixie.Bff.Features.Reputation;

/// <summary>
/// Check 4 of spec 06 §8.3: conviction tier ≥ builder, or the admin key. The tier comes from the server's
/// conviction resolution of the authenticated wallet (spec 07), never from request headers; an API key
/// has no wallet and is an observer.
/// </summary>
public static class BuilderTierCheck
{
    public static async Task<bool> AllowsAsync(HttpContext context) =>
        RequestIdentity.Of(context).Kind == IdentityKind.Admin
        || (await RequestConviction.OfAsync(context) is { } conviction && conviction.Tier.Meets(ConvictionTier.Builder));
}
