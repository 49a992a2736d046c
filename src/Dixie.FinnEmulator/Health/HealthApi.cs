using System.Text.Json.Serialization;
using Dixie.FinnEmulator.Hosting;
using Dixie.FinnEmulator.Pipeline;
using Dixie.FinnEmulator.Sessions;

namespace Dixie.FinnEmulator.Health;

/// <summary><c>/healthz</c> (never recorded or faulted) and finn's <c>/health</c> fallback shape (spec 11 §4).</summary>
public static class HealthApi
{
    public static IEndpointRouteBuilder MapHealthz(this IEndpointRouteBuilder open)
    {
        open.MapGet("/healthz", (HttpContext context, Uptime uptime) =>
            FinnResponses.WriteJsonAsync(context, 200, new HealthzBody("ok", uptime.Seconds), EmulatorJsonContext.Default.HealthzBody));
        return open;
    }

    public static RouteGroupBuilder MapHealth(this RouteGroupBuilder finn)
    {
        finn.MapGet("/health", (HttpContext context, SessionStore sessions, Uptime uptime) =>
            FinnResponses.WriteJsonAsync(context, 200, new HealthBody(
                "healthy",
                uptime.Seconds,
                new HealthChecks(new AgentCheck("ok", SessionsApi.Model), new SessionsCheck(sessions.Count)),
                new ProtocolInfo("8.2.0", "7.0.0"),
                ReadyForBilling: true), EmulatorJsonContext.Default.HealthBody));
        return finn;
    }
}

public sealed record HealthzBody(string Status, double Uptime);

public sealed record HealthBody(
    string Status,
    double Uptime,
    HealthChecks Checks,
    ProtocolInfo Protocol,
    [property: JsonPropertyName("ready_for_billing")] bool ReadyForBilling);

public sealed record HealthChecks(AgentCheck Agent, SessionsCheck Sessions);

public sealed record AgentCheck(string Status, string Model);

public sealed record SessionsCheck(int Active);

public sealed record ProtocolInfo(
    [property: JsonPropertyName("contract_version")] string ContractVersion,
    [property: JsonPropertyName("finn_min_supported")] string FinnMinSupported);
