namespace Dixie.Bff.Features.Agents;

public static class AgentRegistration
{
    /// <summary>The agent API's TBA verifier and per-TBA limiter (spec 07 §2).</summary>
    public static IServiceCollection AddAgents(this IServiceCollection services)
    {
        services.AddSingleton<TbaVerifier>();
        services.AddSingleton<AgentRateLimiter>();
        return services;
    }
}
