using Dixie.Bff.Infrastructure.Configuration;
using Dixie.Bff.Infrastructure.Redis;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Dixie.Bff.Infrastructure.RateLimiting;

public static class RateLimitRegistration
{
    /// <summary>
    /// Registers the `/api` limiter of spec 02 §10 for <see cref="RateLimitMiddleware"/>: the
    /// in-process GCRA always (it is the Redis fallback), the Redis script when the backend is `redis`.
    /// </summary>
    public static IServiceCollection AddRateLimiting(this IServiceCollection services, DixieConfig config)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(RateLimitPolicies.From(config.Access));
        services.AddSingleton(provider => new MemoryRateLimiter(provider.GetRequiredService<TimeProvider>()));
        var useRedis = config.Access.RateLimitBackend == RateLimitBackend.Redis;
        services.AddSingleton(provider => new ApiRateLimiter(
            provider.GetRequiredService<MemoryRateLimiter>(),
            useRedis ? new RedisRateLimiter(provider.GetRequiredService<RedisConnection>()) : null,
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<ILogger<ApiRateLimiter>>()));
        return services;
    }
}
