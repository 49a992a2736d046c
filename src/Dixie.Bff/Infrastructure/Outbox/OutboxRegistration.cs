using Dixie.Bff.Infrastructure.Configuration;
using Dixie.Bff.Infrastructure.Nats;
using Dixie.Bff.Infrastructure.Startup;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Npgsql;

namespace Dixie.Bff.Infrastructure.Outbox;

public static class OutboxRegistration
{
    /// <summary>
    /// Registers the <see cref="OutboxWriter"/> features write signals with, and the <see cref="OutboxWorker"/>
    /// that publishes them. The worker runs whether or not NATS is configured: without it, rows are kept and
    /// reported (spec 10 §3.6). Needs AddPostgres and AddNats.
    /// </summary>
    public static IServiceCollection AddOutbox(this IServiceCollection services, DixieConfig config)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<OutboxWriter>();
        services.AddSingleton(new OutboxOptions { PollInterval = config.Data.OutboxPollInterval });
        services.AddSingleton(provider => new OutboxWorker(
            provider.GetRequiredService<NpgsqlDataSource>(),
            provider.GetRequiredService<NatsStatus>(),
            provider.GetRequiredService<StartupState>(),
            provider.GetRequiredService<OutboxOptions>(),
            config.Data.DatabaseConnectionString,
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<ILoggerFactory>()));
        services.AddHostedService(provider => provider.GetRequiredService<OutboxWorker>());
        return services;
    }
}
