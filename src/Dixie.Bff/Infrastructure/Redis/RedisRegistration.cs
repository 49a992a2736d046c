using Dixie.Bff.Infrastructure.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Dixie.Bff.Infrastructure.Redis;

public static class RedisRegistration
{
    /// <summary>
    /// Registers <see cref="RedisConnection"/> (always, so features and health can ask
    /// <see cref="RedisConnection.IsConfigured"/>) and starts it with the host. Redis tracing is not
    /// added: the instrumentation is beta and adds a span to every request (spec 10 §5.1).
    /// </summary>
    public static IServiceCollection AddRedis(this IServiceCollection services, DixieConfig config)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(provider => new RedisConnection(
            config, provider.GetRequiredService<ILoggerFactory>(), provider.GetRequiredService<TimeProvider>()));
        if (config.Data.Redis is not null)
        {
            services.AddHostedService(provider => provider.GetRequiredService<RedisConnection>());
        }

        return services;
    }
}
