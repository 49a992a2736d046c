using Dixie.Bff.Infrastructure.Identity;

namespace Dixie.Bff.Features.Reputation;

/// <summary>
/// Check 4 of spec 06 §8.3: conviction tier ≥ builder, or the admin key. The tier comes from the server's
/// conviction resolution of the authenticated wallet (spec 07), never from request headers.
/// </summary>
public sealed class BuilderTierCheck
{
    public Task<bool> AllowsAsync(RequestIdentity identity, CancellationToken ct)
    {
        _ = ct;
        return Task.FromResult(identity.Kind switch
        {
            IdentityKind.Admin => true,
            // An API key has no wallet, so it resolves to observer (spec 06 §8.3).
            IdentityKind.ApiKey => false,
            // The single seam for the conviction resolver: until it is registered, an allowlisted wallet
            // that passed the gate is admitted (recorded in ADR 006).
            IdentityKind.Wallet => true,
            _ => false,
        });
    }
}
