using Dixie.Bff.Data;
using Dixie.Bff.Features.Admin;
using Dixie.Bff.Features.Agents;
using Dixie.Bff.Features.Agents.Conviction;
using Dixie.Bff.Features.Allowlist;
using Dixie.Bff.Features.Auth;
using Dixie.Bff.Features.Chat;
using Dixie.Bff.Features.Chat.Streaming;
using Dixie.Bff.Features.Chat.WebSocket;
using Dixie.Bff.Features.Fleet;
using Dixie.Bff.Features.Governance;
using Dixie.Bff.Features.Health;
using Dixie.Bff.Features.Reputation;
using Dixie.Bff.Infrastructure;
using Dixie.Bff.Infrastructure.Configuration;
using Dixie.Bff.Infrastructure.Finn;
using Dixie.Bff.Infrastructure.Http;
using Dixie.Bff.Infrastructure.Identity;
using Dixie.Bff.Infrastructure.Logging;
using Dixie.Bff.Infrastructure.Nats;
using Dixie.Bff.Infrastructure.Outbox;
using Dixie.Bff.Infrastructure.Postgres;
using Dixie.Bff.Infrastructure.RateLimiting;
using Dixie.Bff.Infrastructure.Redis;
using Dixie.Bff.Infrastructure.Startup;
using Dixie.Bff.Infrastructure.Telemetry;

namespace Dixie.Bff;

/// <summary>
/// The table of contents of the service: one registration per concern, then the middleware in the
/// order of spec 02 §1, then one map call per feature. Tests build the same app from a config record.
/// </summary>
public static class DixieApp
{
    public static WebApplicationBuilder CreateBuilder(DixieConfig config, IReadOnlyList<ConfigWarning> warnings, string[]? args = null)
    {
        // Configuration comes only from DIXIE_* variables (spec 01): no appsettings, no ASPNETCORE_* overrides.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions
        {
            Args = args,
            EnvironmentName = config.HostEnvironmentName,
            ApplicationName = typeof(DixieApp).Assembly.GetName().Name,
        });
        builder.WebHost.UseKestrelCore().ConfigureKestrel(k => k.ListenAnyIP(config.Http.Port));
        builder.Services.AddRoutingCore().AddHttpClient();
        builder.Services.AddOpenApi(options => options
            .AddDocumentTransformer((document, _, _) =>
            {
                document.Info = new() { Title = "dixie-bff", Version = DixieTelemetry.Version, Description = "Backend-for-frontend in front of loa-finn" };
                return Task.CompletedTask;
            })
            .AddDocumentTransformer(OpenApiSecurity.ApplyAsync));
        builder.Logging.AddDixieLogging(config.Http.LogLevel);

        builder.Services.AddSingleton(config);
        builder.Services.AddSingleton(new StartupWarnings(warnings));
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<StartupState>();
        builder.Services.AddSingleton<HealthProbeLog>();

        builder.AddHttpPipeline(config);
        builder.AddDixieTelemetry(config);
        builder.Services.AddPostgres(config);
        builder.Services.AddRedis(config);
        builder.Services.AddRateLimiting(config);
        builder.Services.AddNats(config);
        builder.Services.AddOutbox(config);
        builder.Services.AddFinnClient(config);
        builder.Services.AddAuth(config);
        builder.Services.AddHealthChecks(config);
        builder.Services.AddAuditTrail();
        builder.Services.AddGovernance();
        builder.Services.AddAllowlist(config);
        builder.Services.AddConviction(config);
        builder.Services.AddAgents();
        builder.Services.AddChat(config);
        builder.Services.AddChatStreaming(config);
        builder.Services.AddReputation();
        builder.Services.AddFleet(config);

        builder.Services.AddSingleton(new MigrationRunnerOptions());
        builder.Services.AddHostedService<StartupLogger>();
        builder.Services.AddHostedService<ShutdownNotifier>();
        builder.Services.AddHostedService<DatabaseStartupService>();
        return builder;
    }

    public static WebApplication Configure(WebApplication app, Action<IEndpointRouteBuilder>? mapExtra = null)
    {
        var config = app.Services.GetRequiredService<DixieConfig>();
        app.UseHttpPipeline();
        // Upgrades for `/ws/**` (spec 05 §6): after request id, tracing and logging, outside the `/api` stages.
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.FromSeconds(15) });
        app.UseRouting();
        app.UseMiddleware<AuthenticationMiddleware>();
        app.UseMiddleware<RateLimitMiddleware>();
        app.UseMiddleware<AllowlistGate>();
        app.UseMiddleware<AdminKeyMiddleware>();
        app.UseMiddleware<ConvictionTierHeader>();

        // One document: a literal route, so any other name is the JSON 404 of unknown routes, not the
        // OpenAPI handler's text/plain answer echoing the requested name.
        app.MapOpenApi("/openapi/v1.json");
        app.MapHealth();
        app.MapGovernance();
        app.MapAdmin();
        app.MapAuth();
        app.MapAllowlist();
        app.MapChat();
        app.MapChatWebSocket();
        app.MapReputation();
        app.MapAgents();
        if (config.Fleet.Enabled) app.MapFleet();
        if (config.Http.MetricsEnabled) app.MapPrometheusScrapingEndpoint("/metrics").DisableHttpMetrics();
        mapExtra?.Invoke(app);
        return app;
    }

    /// <summary>The `/api/health` entries; an unregistered one reads `not_configured`.</summary>
    private static IServiceCollection AddHealthChecks(this IServiceCollection services, DixieConfig config)
    {
        services.AddSingleton<PostgresHealthProbe>();
        services.AddSingleton<IInfrastructureProbe>(sp => sp.GetRequiredService<PostgresHealthProbe>());
        if (config.Data.Redis is not null)
            services.AddSingleton<IInfrastructureProbe>(sp => new InfrastructureProbe("redis", sp.GetRequiredService<RedisConnection>().ProbeAsync));
        if (config.Data.NatsUrl is not null)
            services.AddSingleton<IInfrastructureProbe>(sp => new InfrastructureProbe("nats", sp.GetRequiredService<NatsStatus>().ProbeAsync));
        services.AddSingleton<AggregateCountCache>();
        return services;
    }
}
