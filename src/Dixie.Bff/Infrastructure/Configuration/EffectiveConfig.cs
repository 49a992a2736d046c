using Microsoft.Extensions.Logging;
using Npgsql;

namespace Dixie.Bff.Infrastructure.Configuration;

/// <summary>One line of `config check`: the effective value and where it came from.</summary>
public sealed record EffectiveSetting(string Name, string Value, string Source)
{
    public const string FromEnvironment = "env";
    public const string FromDefault = "default";
    public const string Derived = "derived";
}

/// <summary>Renders a valid <see cref="DixieConfig"/> as the masked `NAME=value` list of `config check`.</summary>
internal static class EffectiveConfig
{
    /// <summary>Variables whose unset value is computed from other variables rather than a constant.</summary>
    private static readonly HashSet<string> DerivedWhenUnset = new(StringComparer.Ordinal)
    {
        "DIXIE_CORS_ORIGINS", "FINN_WS_URL", "DIXIE_JWT_ALG", "DIXIE_SIWE_DOMAINS", "DIXIE_RATE_LIMIT_BACKEND",
    };

    public static IReadOnlyList<EffectiveSetting> Describe(DixieConfig config, IReadOnlyDictionary<string, string?> environment)
    {
        var reader = new EnvReader(environment);
        var settings = new List<EffectiveSetting>();
        foreach (var name in ConfigVariables.All)
        {
            var value = ConfigVariables.Secrets.Contains(name)
                ? reader.Secret(name) is { } secret ? $"<set, {secret.Length} characters>" : "<unset>"
                : Value(name, config, reader);
            settings.Add(new EffectiveSetting(name, value, Source(name, config, reader)));
        }
        return settings;
    }

    private static string Source(string name, DixieConfig config, EnvReader reader)
    {
        if (reader.IsSet(name))
        {
            return EffectiveSetting.FromEnvironment;
        }
        var derived = DerivedWhenUnset.Contains(name)
            || (name == "DIXIE_ENV" && reader.IsSet("NODE_ENV"))
            || (name == "DATABASE_POOL_SIZE" && PoolSize(config) != 10);
        return derived ? EffectiveSetting.Derived : EffectiveSetting.FromDefault;
    }

    private static string Value(string name, DixieConfig config, EnvReader reader) => name switch
    {
        "DIXIE_ENV" => config.Environment.ToString().ToLowerInvariant(),
        "NODE_ENV" => reader.Scalar(name) ?? "",
        "PORT" => reader.IsSet(name) ? config.Http.Port.ToString() : "",
        "DIXIE_PORT" => reader.Scalar(name) ?? ConfigLoader.DefaultPort.ToString(),
        "DIXIE_CORS_ORIGINS" => string.Join(',', config.Http.CorsOrigins),
        "DIXIE_TRUSTED_PROXIES" => string.Join(',', config.Http.TrustedProxies),
        "LOG_LEVEL" => LogLevelName(config.Http.LogLevel),
        "DIXIE_METRICS_ENABLED" => Bool(config.Http.MetricsEnabled),
        "FINN_URL" => Url(config.Finn.BaseUrl),
        "FINN_WS_URL" => Url(config.Finn.WebSocketUrl),
        "DIXIE_FINN_TIMEOUT_MS" => config.Finn.Timeout.TotalMilliseconds.ToString(),
        "DIXIE_FINN_HEALTH_TIMEOUT_MS" => config.Finn.HealthTimeout.TotalMilliseconds.ToString(),
        "DIXIE_JWT_ALG" => config.Auth.JwtAlgorithm.ToString(),
        "DIXIE_JWT_TTL_SECONDS" => config.Auth.JwtTtlSeconds.ToString(),
        "DIXIE_SIWE_DOMAINS" => string.Join(',', config.Auth.SiweDomains),
        "DIXIE_SIWE_CHAIN_IDS" => string.Join(',', config.Auth.SiweChainIds),
        "DIXIE_SIWE_NONCE_MODE" => config.Auth.SiweNonceMode.ToString().ToLowerInvariant(),
        "DIXIE_SIWE_MAX_AGE_SECONDS" => config.Auth.SiweMaxAgeSeconds.ToString(),
        "DIXIE_ALLOWLIST_PATH" => config.Access.AllowlistPath,
        "DIXIE_ADMIN_WALLETS" => string.Join(',', config.Access.AdminWallets),
        "DIXIE_RATE_LIMIT_RPM" => config.Access.RateLimitRpm.ToString(),
        "DIXIE_REPUTATION_QUERY_RPM" => config.Access.ReputationQueryRpm.ToString(),
        "DIXIE_AGENT_RATE_LIMIT_PER_MINUTE" => config.Access.AgentRateLimitPerMinute.ToString(),
        "DIXIE_AGENT_RATE_LIMIT_PER_DAY" => config.Access.AgentRateLimitPerDay.ToString(),
        "DIXIE_RATE_LIMIT_BACKEND" => config.Access.RateLimitBackend.ToString().ToLowerInvariant(),
        "DIXIE_CONVICTION_TIER_TTL" => config.Access.ConvictionTierTtlSeconds.ToString(),
        "DATABASE_URL" => DatabaseUrl.Masked(config.Data.DatabaseConnectionString),
        "DATABASE_POOL_SIZE" => PoolSize(config).ToString(),
        "REDIS_URL" => reader.Scalar(name) is { } redis ? UrlParts.MaskCredentials(redis) : "",
        "DIXIE_REDIS_PREFIX" => config.Data.RedisPrefix,
        "NATS_URL" => config.Data.NatsUrl is { } nats ? NatsUrl.Masked(nats) : "",
        "DIXIE_NATS_STREAM_REPLICAS" => config.Data.NatsStreamReplicas.ToString(),
        "DIXIE_OUTBOX_POLL_MS" => config.Data.OutboxPollInterval.TotalMilliseconds.ToString(),
        "OTEL_EXPORTER_OTLP_ENDPOINT" => config.Telemetry.OtlpEndpoint is { } endpoint ? Url(endpoint) : "",
        "OTEL_EXPORTER_OTLP_PROTOCOL" => config.Telemetry.OtlpProtocol == OtlpProtocol.Grpc ? "grpc" : "http/protobuf",
        "OTEL_EXPORTER_OTLP_TIMEOUT" => config.Telemetry.OtlpTimeout ?? "10000",
        "OTEL_TRACES_SAMPLER" => config.Telemetry.TracesSampler ?? "parentbased_always_on",
        "OTEL_TRACES_SAMPLER_ARG" => config.Telemetry.TracesSamplerArg ?? "",
        "DIXIE_FLEET_ENABLED" => Bool(config.Fleet.Enabled),
        "DIXIE_FLEET_AGENT_COMMAND" => reader.Scalar(name) ?? "",
        "DIXIE_FLEET_AGENT_ENV" => string.Join(',', config.Fleet.AgentEnv),
        "DIXIE_FLEET_WORK_DIR" => config.Fleet.WorkDir,
        "DIXIE_FLEET_TASK_TIMEOUT_MINUTES" => config.Fleet.TaskTimeoutMinutes.ToString(),
        "DIXIE_FLEET_MONITOR_INTERVAL_SECONDS" => config.Fleet.MonitorIntervalSeconds.ToString(),
        "DIXIE_FLEET_STOP_GRACE_SECONDS" => config.Fleet.StopGraceSeconds.ToString(),
        _ => throw new InvalidOperationException($"config check has no rendering for {name}"),
    };

    private static int PoolSize(DixieConfig config) =>
        new NpgsqlConnectionStringBuilder(config.Data.DatabaseConnectionString).MaxPoolSize;

    private static string Bool(bool value) => value ? "true" : "false";

    /// <summary>Without the root `/` Uri adds, and with any credentials masked.</summary>
    private static string Url(Uri url)
    {
        var text = url.AbsolutePath == "/" && url.Query.Length == 0 ? url.AbsoluteUri.TrimEnd('/') : url.AbsoluteUri;
        return UrlParts.MaskCredentials(text);
    }

    private static string LogLevelName(LogLevel level) => level switch
    {
        LogLevel.Error => "error",
        LogLevel.Warning => "warn",
        LogLevel.Debug => "debug",
        _ => "info",
    };
}
