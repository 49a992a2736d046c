using System.Reflection;
using Dixie.Bff.Infrastructure.Logging;

namespace Dixie.Bff.Tests.Telemetry;

public sealed class LogEventTests
{
    /// <summary>The event names alert rules match (spec 10 §7); a rename must change this snapshot too.</summary>
    private static readonly string[] Snapshot =
    [
        "http_request", "unhandled_exception", "service_starting", "service_ready", "service_stopping",
        "database_connect_retry", "database_unavailable", "migration_lock_waiting", "migration_lock_timeout",
        "migration_applied", "migrations_applied", "migration_checksum_mismatch", "migration_error", "migration_rolled_back",
        "rls_blocks_service_role", "nats_connected", "nats_disconnected", "nats_connect_failed", "nats_stream_created",
        "nats_stream_updated", "nats_stream_mismatch", "nats_stream_error", "outbox_publish_failed",
        "outbox_listener_disconnected", "outbox_cleanup", "outbox_cleanup_failed", "outbox_cycle_failed", "outbox_backlog", "redis_connected", "redis_unavailable",
        "redis_restored", "redis_eviction_policy", "rate_limit_redis_fallback", "rate_limit_redis_recovered",
        "circuit_breaker_transition", "finn_call_failed", "finn_frame_invalid", "chat_turn_record_failed", "chat_turn",
        "health_probe_failed", "siwe_login_failed", "siwe_login_denied", "siwe_login", "token_revoked",
        "revocation_store_unavailable", "jwt_verification_failed", "admin_auth_failed", "allowlist_loaded",
        "allowlist_missing", "allowlist_reload_failed", "allowlist_changed", "allowlist_entry_invalid",
        "allowlist_signal_failed", "ws_ticket_rejected", "reputation_ingest",
        "reputation_rebuild", "fleet_task_transition", "fleet_spawn_denied", "fleet_reconcile", "fleet_result_invalid",
        "fleet_monitor_cycle", "fleet_spawn_failed", "fleet_task_error", "config_warning", "audit_chain_broken",
        "conviction_cache_unavailable", "agent_knowledge_fallback", "governance_check_failed",
    ];

    [Fact]
    public void Event_names_match_the_snapshot()
    {
        var names = typeof(LogEvents).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!).ToArray();
        Assert.Equal(Snapshot.Order(StringComparer.Ordinal), names.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Every_event_name_used_by_a_log_method_is_a_stable_name()
    {
        var used = typeof(LogEvents).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Static | BindingFlags.NonPublic | BindingFlags.Public | BindingFlags.DeclaredOnly))
            .Select(m => m.GetCustomAttribute<Microsoft.Extensions.Logging.LoggerMessageAttribute>())
            .Where(a => a?.EventName is not null)
            .Select(a => a!.EventName!)
            .Distinct()
            .ToList();
        Assert.True(used.Count >= 20, $"only {used.Count} log methods found; the scan is broken");
        Assert.All(used, name => Assert.Contains(name, Snapshot));
    }

    [Fact]
    public void Wallet_hash_of_the_hardhat_wallet_is_golden()
    {
        Assert.Equal("dffe1949d232", Redaction.Hash12("0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"));
    }
}
