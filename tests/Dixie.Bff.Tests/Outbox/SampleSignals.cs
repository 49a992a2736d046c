using System.Text.Json;
using Dixie.Bff.Infrastructure;
using Dixie.Bff.Infrastructure.Logging;
using Dixie.Bff.Infrastructure.Outbox;

namespace Dixie.Bff.Tests.Outbox;

/// <summary>One payload of every signal type, with the data fields spec 10 §2.3 lists for it.</summary>
public static class SampleSignals
{
    /// <summary>Hardhat wallet #0; only its hash may ever appear in a signal.</summary>
    public const string Wallet = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";

    private static readonly string[] FleetFields =
        ["task_id", "operator_hash", "from_status", "status", "version", "task_type", "agent_type", "model", "retry_count", "max_retries"];

    public static ChatInteractionSignal Chat(string? sessionId = null) => new()
    {
        SessionId = sessionId ?? "s_" + Guid.NewGuid().ToString("N")[..8],
        MessageId = Guid.NewGuid().ToString(),
        NewSession = false,
        CallerKind = CallerKind.Wallet,
        WalletHash = Redaction.Hash12(Wallet),
        Streamed = false,
        Model = null,
        LatencyMs = 812,
        PromptChars = 42,
        ResponseChars = 380,
        ToolCalls = 0,
    };

    /// <summary>Every type with the exact set of data members its table lists.</summary>
    public static IReadOnlyList<(ISignalData Data, string[] Fields)> All()
    {
        var now = IsoTime.Format(DateTimeOffset.UtcNow);
        var taskId = Guid.NewGuid();
        var operatorHash = Redaction.Hash12(Wallet);
        T Fleet<T>(T signal) where T : FleetTaskSignal => signal;
        return
        [
            (Chat(), ["session_id", "message_id", "new_session", "caller_kind", "wallet_hash", "streamed", "model", "latency_ms", "prompt_chars", "response_chars", "tool_calls"]),
            (new ReputationEventAppliedSignal
            {
                NftId = "42", EventId = Guid.NewGuid(), EventType = ReputationEventType.QualitySignal, PersonalScore = null,
                BlendedScore = 0.75, SampleCount = 3, State = ReputationState.Warming, Timestamp = now, AggregateVersion = 7,
            }, ["nft_id", "event_id", "event_type", "personal_score", "blended_score", "sample_count", "state", "timestamp", "aggregate_version"]),
            (Fleet(new AgentSpawnedSignal
            {
                TaskId = taskId, OperatorHash = operatorHash, FromStatus = "spawning", Status = "running", Version = 3, TaskType = "bug_fix",
                AgentType = "claude_code", Model = "claude-sonnet", RetryCount = 0, MaxRetries = 3,
                Branch = "fleet/bug_fix/abcdef123456", Tier = "builder", RoutingReason = null, Attempt = 1,
            }), [.. FleetFields, "branch", "tier", "routing_reason", "attempt"]),
            (new AgentCompletedSignal
            {
                TaskId = taskId, OperatorHash = operatorHash, FromStatus = "running", Status = "pr_created", Version = 4, TaskType = "bug_fix",
                AgentType = "claude_code", Model = "claude-sonnet", RetryCount = 0, MaxRetries = 3,
                Outcome = FleetCompletionOutcome.PrCreated, PrNumber = 17, Url = null, DurationSeconds = 93.5,
            }, [.. FleetFields, "outcome", "pr_number", "url", "duration_seconds"]),
            (new AgentFailedSignal
            {
                TaskId = taskId, OperatorHash = operatorHash, FromStatus = "running", Status = "failed", Version = 4, TaskType = "bug_fix",
                AgentType = "claude_code", Model = "claude-sonnet", RetryCount = 1, MaxRetries = 3, Reason = "timeout", ExitCode = null,
            }, [.. FleetFields, "reason", "exit_code"]),
            (new AgentCancelledSignal
            {
                TaskId = taskId, OperatorHash = operatorHash, FromStatus = "running", Status = "cancelled", Version = 4, TaskType = "bug_fix",
                AgentType = "claude_code", Model = "claude-sonnet", RetryCount = 0, MaxRetries = 3, By = FleetCancelledBy.Owner,
            }, [.. FleetFields, "by"]),
            (new AgentRetryingSignal
            {
                TaskId = taskId, OperatorHash = operatorHash, FromStatus = "failed", Status = "retrying", Version = 5, TaskType = "bug_fix",
                AgentType = "claude_code", Model = "claude-sonnet", RetryCount = 1, MaxRetries = 3,
            }, FleetFields),
            (new TaskStatusChangedSignal
            {
                TaskId = taskId, OperatorHash = operatorHash, FromStatus = null, Status = "proposed", Version = 1, TaskType = "bug_fix",
                AgentType = "claude_code", Model = "claude-sonnet", RetryCount = 0, MaxRetries = 3,
                PrNumber = null, CiStatus = null, ReviewStatus = JsonDocument.Parse("""{"approved":false}""").RootElement, Tier = "builder",
            }, [.. FleetFields, "pr_number", "ci_status", "review_status", "tier"]),
            (new SpawnDeniedSignal
            {
                OperatorHash = operatorHash, Tier = "observer", ActiveCount = 0, TierLimit = 0,
                DenialReason = SpawnDenialReason.TierNotPermitted, TaskType = "bug_fix", RetryOf = null,
            }, ["operator_hash", "tier", "active_count", "tier_limit", "denial_reason", "task_type", "retry_of"]),
            (Allowlist(GovernanceAction.AllowlistEntryAdded, AllowlistEntryKind.Wallet), AllowlistFields),
            (Allowlist(GovernanceAction.AllowlistEntryRemoved, AllowlistEntryKind.ApiKey), AllowlistFields),
            (Allowlist(GovernanceAction.AllowlistReloaded, null), AllowlistFields),
        ];
    }

    private static readonly string[] AllowlistFields =
        ["action", "actor", "entry_kind", "entry_hash", "wallet_count", "api_key_count", "audit_entry_id"];

    private static AllowlistChangedSignal Allowlist(GovernanceAction action, AllowlistEntryKind? kind) => new()
    {
        Action = action,
        Actor = kind is null ? GovernanceActor.File : GovernanceActor.Admin,
        EntryKind = kind,
        EntryHash = kind is null ? null : Redaction.Hash12(Wallet),
        WalletCount = 2,
        ApiKeyCount = 1,
        AuditEntryId = kind is null ? null : Guid.NewGuid(),
    };
}
