using System.Net;
using Microsoft.Extensions.Logging;

namespace Dixie.Bff.Infrastructure.Configuration;

/// <summary>
/// The validated, immutable configuration of one process, built from the environment by
/// <see cref="ConfigLoader"/> (spec 01). Every other options type is filled from this record.
/// </summary>
public sealed record DixieConfig
{
    public required DixieEnvironment Environment { get; init; }
    public required HttpSettings Http { get; init; }
    public required FinnSettings Finn { get; init; }
    public required AuthSettings Auth { get; init; }
    public required AccessSettings Access { get; init; }
    public required DataSettings Data { get; init; }
    public required TelemetrySettings Telemetry { get; init; }
    public required FleetSettings Fleet { get; init; }

    /// <summary>ASP.NET Core host environment name that follows from <see cref="Environment"/>.</summary>
    public string HostEnvironmentName => Environment.ToString();
}

public enum DixieEnvironment { Development, Test, Staging, Production }

public sealed record HttpSettings
{
    public required int Port { get; init; }
    /// <summary>Exact origins, `scheme://host[:port]`, no trailing slash.</summary>
    public required IReadOnlyList<string> CorsOrigins { get; init; }
    public required IReadOnlyList<IPNetwork> TrustedProxies { get; init; }
    public required LogLevel LogLevel { get; init; }
    public required bool MetricsEnabled { get; init; }
}

public sealed record FinnSettings
{
    /// <summary>Base URL without a trailing slash; a path is kept as a prefix.</summary>
    public required Uri BaseUrl { get; init; }
    public required Uri WebSocketUrl { get; init; }
    public required TimeSpan Timeout { get; init; }
    public required TimeSpan HealthTimeout { get; init; }
    public string? AuthToken { get; init; }
}

public enum JwtAlgorithm { HS256, ES256 }

public enum SiweNonceMode { Strict, Format }

public sealed record AuthSettings
{
    /// <summary>The key as used: `\n` escapes already turned into line feeds.</summary>
    public required string JwtPrivateKey { get; init; }
    public required JwtAlgorithm JwtAlgorithm { get; init; }
    public required int JwtTtlSeconds { get; init; }
    /// <summary>Lower-case `host` or `host:port` items.</summary>
    public required IReadOnlyList<string> SiweDomains { get; init; }
    /// <summary>Empty = any chain.</summary>
    public required IReadOnlyList<long> SiweChainIds { get; init; }
    public required SiweNonceMode SiweNonceMode { get; init; }
    public required int SiweMaxAgeSeconds { get; init; }
}

public enum RateLimitBackend { Memory, Redis }

public sealed record AccessSettings
{
    /// <summary>Absolute path of the allowlist file.</summary>
    public required string AllowlistPath { get; init; }
    public string? AdminKey { get; init; }
    /// <summary>EIP-55 addresses.</summary>
    public required IReadOnlyList<string> AdminWallets { get; init; }
    public required int RateLimitRpm { get; init; }
    public required int ReputationQueryRpm { get; init; }
    public required int AgentRateLimitPerMinute { get; init; }
    public required int AgentRateLimitPerDay { get; init; }
    public required RateLimitBackend RateLimitBackend { get; init; }
    public required int ConvictionTierTtlSeconds { get; init; }
}

public sealed record DataSettings
{
    /// <summary>Npgsql connection string with every spec 09 §2.2 setting applied.</summary>
    public required string DatabaseConnectionString { get; init; }
    public RedisSettings? Redis { get; init; }
    /// <summary>Prepended to every Redis key and channel; may be empty.</summary>
    public required string RedisPrefix { get; init; }
    /// <summary>One or more NATS server URLs (credentials in userinfo), comma-joined as NATS.Net expects.</summary>
    public string? NatsUrl { get; init; }
    public required int NatsStreamReplicas { get; init; }
    public required TimeSpan OutboxPollInterval { get; init; }
}

public sealed record RedisSettings
{
    public required string Host { get; init; }
    public required int Port { get; init; }
    public string? User { get; init; }
    public string? Password { get; init; }
    public required int Database { get; init; }
    public required bool UseTls { get; init; }
}

public enum OtlpProtocol { Grpc, HttpProtobuf }

public sealed record TelemetrySettings
{
    public Uri? OtlpEndpoint { get; init; }
    public required OtlpProtocol OtlpProtocol { get; init; }
    /// <summary>Passed through to the OpenTelemetry SDK unvalidated (spec 01 §3.6).</summary>
    public string? OtlpHeaders { get; init; }
    public string? OtlpTimeout { get; init; }
    public string? TracesSampler { get; init; }
    public string? TracesSamplerArg { get; init; }
}

public sealed record FleetSettings
{
    public required bool Enabled { get; init; }
    /// <summary>argv template with `{taskId}` `{taskType}` `{model}` `{workDir}` placeholders; empty = no runner.</summary>
    public required IReadOnlyList<string> AgentCommand { get; init; }
    public required IReadOnlyList<string> AgentEnv { get; init; }
    public required string WorkDir { get; init; }
    public required int TaskTimeoutMinutes { get; init; }
    public required int MonitorIntervalSeconds { get; init; }
    public required int StopGraceSeconds { get; init; }
}
