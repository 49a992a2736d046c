using Dixie.Bff.Features.Governance;
using Dixie.Bff.Infrastructure.Configuration;

namespace Dixie.Bff.Features.Fleet;

public static class FleetRegistration
{
    /// <summary>
    /// The fleet services. The governor reads the tables whether or not the fleet is enabled; the runner,
    /// the exit recorder and the monitor start only when it is (spec 07 §3.1).
    /// </summary>
    public static IServiceCollection AddFleet(this IServiceCollection services, DixieConfig config)
    {
        services.AddSingleton<IGovernor, FleetGovernor>();
        services.AddSingleton<IFleetTiers, ConvictionFleetTiers>();
        services.AddSingleton<FleetLog>();
        if (!config.Fleet.Enabled) return services;

        services.AddSingleton<RunnerIdentity>();
        services.AddSingleton<AgentExitQueue>();
        services.AddSingleton<IAgentRunner, ProcessAgentRunner>();
        services.AddSingleton<FleetTransitions>();
        services.AddSingleton<FleetStore>();
        services.AddSingleton<FleetAdmission>();
        services.AddSingleton<FleetLauncher>();
        services.AddSingleton<FleetTaskCommands>();
        services.AddSingleton<FleetRetry>();
        services.AddSingleton<FleetMonitorCycle>();
        // Registered before the monitor so that it stops after it and can still record the shutdown's exits.
        services.AddSingleton<AgentExitRecorder>();
        services.AddHostedService(sp => sp.GetRequiredService<AgentExitRecorder>());
        services.AddHostedService<FleetMonitor>();
        return services;
    }
}
