using Dixie.Bff.Features.Governance;
using Dixie.Bff.Infrastructure;
using Dixie.Bff.Infrastructure.Finn;
using Dixie.Bff.Infrastructure.Http;
using Dixie.Bff.Infrastructure.Startup;
using Dixie.Bff.Infrastructure.Telemetry;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Dixie.Bff.Features.Health;

/// <summary>Banner, dependency report and orchestrator probes (spec 03).</summary>
public static class HealthApi
{
    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder app)
    {
        app.MapGet("/", () => TypedResults.Json(
            new ServiceBanner("dixie-bff", "running", DixieTelemetry.Version), DixieJson.Wire.ServiceBanner));

        app.MapMethods("/api/health", [HttpMethods.Get, HttpMethods.Head], GetHealthAsync);

        app.MapGet("/healthz/live", () => TypedResults.Json(new LiveResponse("ok"), DixieJson.Wire.LiveResponse));
        app.MapGet("/healthz/ready", GetReadinessAsync);
        return app;
    }

    private static async Task<JsonHttpResult<HealthReport>> GetHealthAsync(
        StartupState startup, FinnHealthProbe finnProbe, FinnCircuitBreaker breaker, IEnumerable<IInfrastructureProbe> probes,
        AggregateCountCache aggregates, GovernorRegistry governors, TimeProvider time, CancellationToken cancellationToken)
    {
        var byName = probes.ToDictionary(p => p.Name, StringComparer.Ordinal);
        var finnTask = finnProbe.ProbeAsync();
        var postgresTask = ProbeOrNotConfigured(byName, "postgresql", cancellationToken);
        var redisTask = ProbeOrNotConfigured(byName, "redis", cancellationToken);
        var natsTask = ProbeOrNotConfigured(byName, "nats", cancellationToken);
        var countTask = startup.IsMigrated ? aggregates.RefreshIfStaleAsync() : Task.CompletedTask;
        // Before migrations no governor can run, so there is nothing worth waiting for.
        var governanceTask = startup.IsMigrated ? governors.SummaryAsync(cancellationToken) : Task.FromResult(governors.Summary());
        await Task.WhenAll(finnTask, postgresTask, redisTask, natsTask, countTask, governanceTask);

        var circuitState = breaker.State;
        var finn = finnTask.Result;
        var finnStatus = finn.Status == ProbeResult.Healthy && circuitState == "open" ? "degraded" : finn.Status;
        var infrastructure = new HealthInfrastructure(
            InfrastructureHealth.From(postgresTask.Result), InfrastructureHealth.From(redisTask.Result), InfrastructureHealth.From(natsTask.Result));
        var dixieStatus = startup.IsMigrated ? "healthy" : "starting";
        var report = new HealthReport
        {
            Status = OverallStatus(dixieStatus, finnStatus, infrastructure),
            Version = DixieTelemetry.Version,
            UptimeSeconds = (long)(time.GetUtcNow() - startup.StartedAt).TotalSeconds,
            Services = new HealthServices(new DixieServiceHealth(dixieStatus),
                new FinnServiceHealth(finnStatus, finn.LatencyMs, finn.Error, circuitState)),
            Infrastructure = infrastructure,
            ReputationService = new ReputationServiceHealth(aggregates.Initialized, aggregates.Count),
            Governance = governanceTask.Result,
            Timestamp = IsoTime.Format(time.GetUtcNow()),
        };
        return TypedResults.Json(report, DixieJson.Wire.HealthReport);
    }

    /// <summary>First matching row wins (spec 03 §3.3); not_configured entries never count.</summary>
    internal static string OverallStatus(string dixieStatus, string finnStatus, HealthInfrastructure infrastructure)
    {
        if (dixieStatus == "starting" || finnStatus == ProbeResult.Unreachable) return "unhealthy";
        var anyUnreachable = infrastructure.Postgresql.Status == ProbeResult.Unreachable
            || infrastructure.Redis.Status == ProbeResult.Unreachable
            || infrastructure.Nats.Status == ProbeResult.Unreachable;
        return finnStatus == "degraded" || anyUnreachable ? "degraded" : "healthy";
    }

    private static Task<ProbeResult> ProbeOrNotConfigured(Dictionary<string, IInfrastructureProbe> probes, string name, CancellationToken ct) =>
        probes.TryGetValue(name, out var probe) ? probe.ProbeAsync(ct) : Task.FromResult(ProbeResult.NotConfiguredResult);

    private static async Task<Results<JsonHttpResult<ReadyResponse>, JsonHttpResult<NotReadyError>>> GetReadinessAsync(
        StartupState startup, PostgresHealthProbe postgres, CancellationToken cancellationToken)
    {
        if (startup.IsShuttingDown) return NotReady("Shutting down", "shutting_down");
        if (!startup.IsMigrated) return NotReady("Migrations have not completed", "migrations_pending");
        var probe = await postgres.ProbeAsync(cancellationToken);
        if (probe.Status != ProbeResult.Healthy) return NotReady("PostgreSQL unreachable", "database_unreachable");
        return TypedResults.Json(new ReadyResponse("ready"), DixieJson.Wire.ReadyResponse);
    }

    private static JsonHttpResult<NotReadyError> NotReady(string message, string reason) =>
        TypedResults.Json(new NotReadyError("not_ready", message, reason), DixieJson.Wire.NotReadyError,
            statusCode: StatusCodes.Status503ServiceUnavailable);
}
