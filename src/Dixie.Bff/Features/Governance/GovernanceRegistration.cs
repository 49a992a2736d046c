using Dixie.Bff.Features.Allowlist;
using Dixie.Bff.Features.Governance.Audit;
using Dixie.Bff.Features.Governance.Mutations;

namespace Dixie.Bff.Features.Governance;

public static class GovernanceRegistration
{
    /// <summary>The audit trail, its verifier and background monitor, and the mutation log (spec 08 §2–§3).</summary>
    public static IServiceCollection AddAuditTrail(this IServiceCollection services)
    {
        services.AddSingleton<InstanceSession>();
        services.AddSingleton<MutationLog>();
        services.AddSingleton<AuditTrail>();
        services.AddSingleton<AuditVerifier>();
        services.AddSingleton<AuditChainStatuses>();
        services.AddSingleton<AuditChainMonitor>();
        services.AddHostedService(sp => sp.GetRequiredService<AuditChainMonitor>());
        return services;
    }

    /// <summary>
    /// The governor registry over every registered <see cref="IGovernor"/>, its 30 s snapshot service,
    /// and the governors this area owns (`audit`, `allowlist`); features add theirs the same way.
    /// </summary>
    public static IServiceCollection AddGovernance(this IServiceCollection services)
    {
        services.AddSingleton<IGovernor, AuditGovernor>();
        services.AddSingleton<IGovernor, AllowlistGovernor>();
        services.AddSingleton<GovernorRegistry>();
        services.AddSingleton<GovernanceChecks>();
        services.AddHostedService<GovernanceSnapshotService>();
        return services;
    }
}
