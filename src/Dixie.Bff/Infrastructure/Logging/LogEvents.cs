namespace Dixie.Bff.Infrastructure.Logging;

/// <summary>
/// The stable log event names of spec 10 §7. Alert rules and dashboards match these strings, so a
/// rename is a deliberate change (a test snapshots this list).
/// </summary>
public static class LogEvents
{
    public const string HttpRequest = "http_request";
    public const string UnhandledException = "unhandled_exception";
    public const string ServiceStarting = "service_starting";
    public const string ServiceReady = "service_ready";
    public const string ServiceStopping = "service_stopping";
    public const string DatabaseConnectRetry = "database_connect_retry";
    public const string DatabaseUnavailable = "database_unavailable";
    public const string MigrationLockWaiting = "migration_lock_waiting";
    public const string MigrationLockTimeout = "migration_lock_timeout";
    public const string MigrationApplied = "migration_applied";
    public const string MigrationsApplied = "migrations_applied";
    public const string MigrationChecksumMismatch = "migration_checksum_mismatch";
    public const string MigrationError = "migration_error";
    public const string MigrationRolledBack = "migration_rolled_back";
    public const string RlsBlocksServiceRole = "rls_blocks_service_role";
    public const string NatsConnected = "nats_connected";
    public const string NatsDisconnected = "nats_disconnected";
    public const string NatsConnectFailed = "nats_connect_failed";
    public const string NatsStreamCreated = "nats_stream_created";
    public const string NatsStreamUpdated = "nats_stream_updated";
    public const string NatsStreamMismatch = "nats_stream_mismatch";
    public const string NatsStreamError = "nats_stream_error";
    public const string OutboxPublishFailed = "outbox_publish_failed";
    public const string OutboxListenerDisconnected = "outbox_listener_disconnected";
    public const string OutboxCleanup = "outbox_cleanup";
    public const string OutboxCleanupFailed = "outbox_cleanup_failed";
    public const string OutboxCycleFailed = "outbox_cycle_failed";
    public const string OutboxBacklog = "outbox_backlog";
    public const string RedisConnected = "redis_connected";
    public const string RedisUnavailable = "redis_unavailable";
    public const string RedisRestored = "redis_restored";
    public const string RedisEvictionPolicy = "redis_eviction_policy";
    public const string RateLimitRedisFallback = "rate_limit_redis_fallback";
    public const string RateLimitRedisRecovered = "rate_limit_redis_recovered";
    public const string CircuitBreakerTransition = "circuit_breaker_transition";
    public const string FinnCallFailed = "finn_call_failed";
    public const string FinnFrameInvalid = "finn_frame_invalid";
    public const string ChatTurnRecordFailed = "chat_turn_record_failed";
    public const string ChatTurn = "chat_turn";
    public const string HealthProbeFailed = "health_probe_failed";
    public const string SiweLoginFailed = "siwe_login_failed";
    public const string SiweLoginDenied = "siwe_login_denied";
    public const string SiweLogin = "siwe_login";
    public const string TokenRevoked = "token_revoked";
    public const string RevocationStoreUnavailable = "revocation_store_unavailable";
    public const string JwtVerificationFailed = "jwt_verification_failed";
    public const string AdminAuthFailed = "admin_auth_failed";
    public const string AllowlistLoaded = "allowlist_loaded";
    public const string AllowlistMissing = "allowlist_missing";
    public const string AllowlistReloadFailed = "allowlist_reload_failed";
    public const string AllowlistChanged = "allowlist_changed";
    public const string AllowlistEntryInvalid = "allowlist_entry_invalid";
    public const string AllowlistSignalFailed = "allowlist_signal_failed";
    public const string WsTicketRejected = "ws_ticket_rejected";
    public const string ReputationIngest = "reputation_ingest";
    public const string ReputationRebuild = "reputation_rebuild";
    public const string FleetTaskTransition = "fleet_task_transition";
    public const string FleetSpawnDenied = "fleet_spawn_denied";
    public const string FleetReconcile = "fleet_reconcile";
    public const string FleetResultInvalid = "fleet_result_invalid";
    public const string FleetMonitorCycle = "fleet_monitor_cycle";
    public const string FleetSpawnFailed = "fleet_spawn_failed";
    public const string FleetTaskError = "fleet_task_error";
    public const string ConfigWarning = "config_warning";
    public const string AuditChainBroken = "audit_chain_broken";
    public const string ConvictionCacheUnavailable = "conviction_cache_unavailable";
    public const string AgentKnowledgeFallback = "agent_knowledge_fallback";
    public const string GovernanceCheckFailed = "governance_check_failed";
}
