using Dixie.Bff.Infrastructure.Configuration;

namespace Dixie.Bff.Features.Agents.Conviction;

public static class ConvictionRegistration
{
    /// <summary>The conviction resolver with its cache and finn staking lookup (spec 07 §1).</summary>
    public static IServiceCollection AddConviction(this IServiceCollection services, DixieConfig config)
    {
        // The TTL was range-checked by the config loader (spec 01); nothing else to validate here.
        _ = config.Access.ConvictionTierTtlSeconds;
        services.AddSingleton<ConvictionCache>();
        services.AddSingleton<StakingLookup>();
        services.AddSingleton<ConvictionResolver>();
        return services;
    }
}
