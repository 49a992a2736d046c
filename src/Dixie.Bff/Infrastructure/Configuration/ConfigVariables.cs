namespace Dixie.Bff.Infrastructure.Configuration;

/// <summary>The variables of spec 01 §3, in table order, and the names the service knowingly ignores (§7).</summary>
public static class ConfigVariables
{
    /// <summary>Every variable the service reads, in the order of the spec 01 §3 tables.</summary>
    public static IReadOnlyList<string> All { get; } =
    [
        // 3.1 process and HTTP
        "DIXIE_ENV", "NODE_ENV", "PORT", "DIXIE_PORT", "DIXIE_CORS_ORIGINS", "DIXIE_TRUSTED_PROXIES",
        "LOG_LEVEL", "DIXIE_METRICS_ENABLED",
        // 3.2 loa-finn
        "FINN_URL", "FINN_WS_URL", "DIXIE_FINN_TIMEOUT_MS", "DIXIE_FINN_HEALTH_TIMEOUT_MS", "DIXIE_FINN_AUTH_TOKEN",
        // 3.3 tokens and sign-in
        "DIXIE_JWT_PRIVATE_KEY", "DIXIE_JWT_ALG", "DIXIE_JWT_TTL_SECONDS", "DIXIE_SIWE_DOMAINS",
        "DIXIE_SIWE_CHAIN_IDS", "DIXIE_SIWE_NONCE_MODE", "DIXIE_SIWE_MAX_AGE_SECONDS",
        // 3.4 access control and limits
        "DIXIE_ALLOWLIST_PATH", "DIXIE_ADMIN_KEY", "DIXIE_ADMIN_WALLETS", "DIXIE_RATE_LIMIT_RPM",
        "DIXIE_REPUTATION_QUERY_RPM", "DIXIE_AGENT_RATE_LIMIT_PER_MINUTE", "DIXIE_AGENT_RATE_LIMIT_PER_DAY",
        "DIXIE_RATE_LIMIT_BACKEND", "DIXIE_CONVICTION_TIER_TTL",
        // 3.5 data stores and messaging
        "DATABASE_URL", "DATABASE_POOL_SIZE", "REDIS_URL", "DIXIE_REDIS_PREFIX", "NATS_URL",
        "DIXIE_NATS_STREAM_REPLICAS", "DIXIE_OUTBOX_POLL_MS",
        // 3.6 telemetry
        "OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_PROTOCOL", "OTEL_EXPORTER_OTLP_HEADERS",
        "OTEL_EXPORTER_OTLP_TIMEOUT", "OTEL_TRACES_SAMPLER", "OTEL_TRACES_SAMPLER_ARG",
        // 3.7 fleet
        "DIXIE_FLEET_ENABLED", "DIXIE_FLEET_AGENT_COMMAND", "DIXIE_FLEET_AGENT_ENV", "DIXIE_FLEET_WORK_DIR",
        "DIXIE_FLEET_TASK_TIMEOUT_MINUTES", "DIXIE_FLEET_MONITOR_INTERVAL_SECONDS", "DIXIE_FLEET_STOP_GRACE_SECONDS",
    ];

    /// <summary>Variables whose whole value is a secret: never printed, logged or trimmed.</summary>
    public static IReadOnlySet<string> Secrets { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "DIXIE_JWT_PRIVATE_KEY", "DIXIE_ADMIN_KEY", "DIXIE_FINN_AUTH_TOKEN", "OTEL_EXPORTER_OTLP_HEADERS",
    };

    /// <summary>Variables the existing service read and this one drops (spec 01 §7); a warning when set.</summary>
    internal static IReadOnlySet<string> Dropped { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "BILLING_INTERNAL_JWT_SECRET", "DIXIE_PRICING_API_URL", "DIXIE_PRICING_TTL", "STRAYLIGHT_RUNTIME_DIXIE_KEY",
        "DIXIE_MEMORY_PROJECTION_TTL", "DIXIE_MEMORY_MAX_EVENTS", "DIXIE_PERSONALITY_TTL",
        "DIXIE_AUTONOMOUS_PERMISSION_TTL", "DIXIE_AUTONOMOUS_BUDGET", "DIXIE_SCHEDULE_CALLBACK_SECRET",
        "DIXIE_BUDGET_PERIOD_DAYS", "DIXIE_ENRICHMENT_BASE_URL", "DIXIE_ENRICHMENT_TIMEOUT_MS",
        "DIXIE_SCORING_PATH_LOG_LEVEL", "DIXIE_JWT_LEGACY_HS256_SECRET", "DIXIE_ALLOWLIST_POLL",
    };

    internal static IReadOnlyList<string> DroppedPrefixes { get; } =
        ["DIXIE_X402_", "DIXIE_RECALL_INTAKE_", "DIXIE_ADMISSION_INTAKE_"];

    /// <summary>
    /// `DIXIE_*` names that are not ours to read but are not typos either: the smoke and e2e suites'
    /// variables, and the task variables the service sets in an agent's environment (spec 07 §4.2).
    /// </summary>
    internal static IReadOnlyList<string> ForeignPrefixes { get; } = ["DIXIE_SMOKE_", "DIXIE_E2E_", "DIXIE_TASK_"];
}
