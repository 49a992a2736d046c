using Dixie.Bff.Features.Governance;

namespace Dixie.Bff.Features.Reputation;

public static class ReputationRegistration
{
    public static IServiceCollection AddReputation(this IServiceCollection services)
    {
        services.AddSingleton<ScoreCache>();
        services.AddSingleton<ReputationReads>();
        services.AddSingleton<ScoreLookup>();
        services.AddSingleton<ReputationLog>();
        services.AddSingleton<ReputationIngest>();
        services.AddSingleton<ReplayRepair>();
        services.AddSingleton<ReputationReplay>();
        services.AddSingleton<IGovernor, ReputationGovernor>();
        return services;
    }
}
