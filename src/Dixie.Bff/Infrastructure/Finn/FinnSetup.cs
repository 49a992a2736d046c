using Dixie.Bff.Infrastructure.Configuration;

namespace Dixie.Bff.Infrastructure.Finn;

public static class FinnSetup
{
    /// <summary>
    /// The finn client with its breaker (spec 05 §7–§8) and the separate health-probe client
    /// (spec 03 §3.2). No standard resilience handler: the breaker is the only resilience.
    /// </summary>
    public static IServiceCollection AddFinnClient(this IServiceCollection services, DixieConfig config)
    {
        var baseAddress = new Uri(config.Finn.BaseUrl.ToString().TrimEnd('/') + "/");
        services.AddSingleton<FinnCircuitBreaker>();
        services.AddHttpClient<FinnClient>(client =>
            {
                client.BaseAddress = baseAddress;
                client.Timeout = Timeout.InfiniteTimeSpan;
            })
            .ConfigurePrimaryHttpMessageHandler(CreateHandler)
            // Every finn call is logged once by the client itself (finn_call_failed); the factory's
            // per-request logging handlers would only add two pass-through layers to each call.
            .RemoveAllLoggers();
        services.AddHttpClient(FinnHealthProbe.ClientName, client =>
            {
                client.BaseAddress = baseAddress;
                client.Timeout = Timeout.InfiniteTimeSpan;
            })
            .ConfigurePrimaryHttpMessageHandler(CreateHandler)
            .RemoveAllLoggers();
        services.AddSingleton<FinnHealthProbe>();
        return services;
    }

    private static SocketsHttpHandler CreateHandler() => new()
    {
        PooledConnectionLifetime = TimeSpan.FromMinutes(2),
        ConnectTimeout = TimeSpan.FromSeconds(5),
        AllowAutoRedirect = false,
        UseCookies = false,
        AutomaticDecompression = System.Net.DecompressionMethods.None,
        // finn is reached directly; an environment proxy would reroute a service-to-service call.
        UseProxy = false,
    };
}
