using Dixie.Bff.Infrastructure.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Dixie.Bff.Infrastructure.Nats;

public static class NatsRegistration
{
    public const string ClientName = "dixie-bff";

    /// <summary>
    /// Registers <see cref="NatsStatus"/> (always, so the outbox worker, metrics and health can ask it)
    /// and, when `NATS_URL` is set, the one <see cref="NatsConnection"/>, its JetStream context, the
    /// background <see cref="NatsConnectionService"/> and NATS.Net's trace and metric sources.
    /// </summary>
    public static IServiceCollection AddNats(this IServiceCollection services, DixieConfig config)
    {
        services.TryAddSingleton(TimeProvider.System);
        if (config.Data.NatsUrl is not { Length: > 0 } url)
        {
            services.AddSingleton(provider => new NatsStatus(
                null, null, provider.GetRequiredService<TimeProvider>(), provider.GetRequiredService<ILogger<NatsStatus>>()));
            return services;
        }

        // The container disposes the connection at shutdown, after the hosted services have stopped.
        services.AddSingleton(provider => new NatsConnection(CreateOptions(url, provider.GetRequiredService<ILoggerFactory>())));
        services.AddSingleton<INatsJSContext>(provider => new NatsJSContext(provider.GetRequiredService<NatsConnection>()));
        services.AddSingleton(provider => new NatsStatus(
            provider.GetRequiredService<NatsConnection>(),
            provider.GetRequiredService<INatsJSContext>(),
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<ILogger<NatsStatus>>()));
        services.AddHostedService(provider => new NatsConnectionService(
            provider.GetRequiredService<NatsConnection>(),
            provider.GetRequiredService<INatsJSContext>(),
            provider.GetRequiredService<NatsStatus>(),
            config.Data.NatsStreamReplicas,
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<ILogger<NatsConnectionService>>()));

        // Every publish becomes a span of the originating request's trace (spec 10 §3.3).
        services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddNatsClientInstrumentation());
        services.ConfigureOpenTelemetryMeterProvider(metrics => metrics.AddNatsClientInstrumentation());
        return services;
    }

    internal static NatsOpts CreateOptions(string url, ILoggerFactory loggerFactory) => new()
    {
        Url = url,
        Name = ClientName,
        // A NATS server that starts late, or is briefly down while we start, is picked up without a restart.
        RetryOnInitialConnect = true,
        MaxReconnectRetry = -1,
        ReconnectWaitMin = TimeSpan.FromSeconds(1),
        ReconnectWaitMax = TimeSpan.FromSeconds(5),
        LoggerFactory = loggerFactory,
    };
}
