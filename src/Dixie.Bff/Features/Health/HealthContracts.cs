using System.Text.Json.Serialization;
using Dixie.Bff.Infrastructure;

namespace Dixie.Bff.Features.Health;

/// <summary>`GET /` (spec 03 §2); keys in this order.</summary>
public sealed record ServiceBanner(
    [property: JsonPropertyName("service")] string Service,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("version")] string Version);

/// <summary>`GET /api/health` (spec 03 §3.1); property order is the wire order.</summary>
public sealed record HealthReport
{
    [JsonPropertyName("status")] public required string Status { get; init; }
    [JsonPropertyName("version")] public required string Version { get; init; }
    [JsonPropertyName("uptime_seconds")] public required long UptimeSeconds { get; init; }
    [JsonPropertyName("services")] public required HealthServices Services { get; init; }
    [JsonPropertyName("infrastructure")] public required HealthInfrastructure Infrastructure { get; init; }
    [JsonPropertyName("reputation_service")] public required ReputationServiceHealth ReputationService { get; init; }
    [JsonPropertyName("governance")] public required GovernanceSummary Governance { get; init; }
    [JsonPropertyName("timestamp")] public required string Timestamp { get; init; }
}

public sealed record HealthServices(
    [property: JsonPropertyName("dixie")] DixieServiceHealth Dixie,
    [property: JsonPropertyName("loa_finn")] FinnServiceHealth LoaFinn);

public sealed record DixieServiceHealth([property: JsonPropertyName("status")] string Status);

public sealed record FinnServiceHealth(
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("latency_ms")] int? LatencyMs,
    [property: JsonPropertyName("error")] string? Error,
    [property: JsonPropertyName("circuit_state")] string CircuitState);

public sealed record HealthInfrastructure(
    [property: JsonPropertyName("postgresql")] InfrastructureHealth Postgresql,
    [property: JsonPropertyName("redis")] InfrastructureHealth Redis,
    [property: JsonPropertyName("nats")] InfrastructureHealth Nats);

public sealed record InfrastructureHealth(
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("latency_ms")] int? LatencyMs,
    [property: JsonPropertyName("error")] string? Error)
{
    public static InfrastructureHealth From(ProbeResult probe) => new(probe.Status, probe.LatencyMs, probe.Error);
}

public sealed record ReputationServiceHealth(
    [property: JsonPropertyName("initialized")] bool Initialized,
    [property: JsonPropertyName("aggregate_count")] long AggregateCount);

public sealed record GovernanceSummary(
    [property: JsonPropertyName("governor_count")] int GovernorCount,
    [property: JsonPropertyName("resource_types")] IReadOnlyList<string> ResourceTypes,
    [property: JsonPropertyName("health")] string Health);

public sealed record LiveResponse([property: JsonPropertyName("status")] string Status);

public sealed record ReadyResponse([property: JsonPropertyName("status")] string Status);
