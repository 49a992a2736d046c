using System.Text.Json.Serialization;

namespace Dixie.Bff.Infrastructure.Outbox;

public enum GovernanceAction
{
    AllowlistEntryAdded,
    AllowlistEntryRemoved,
    AllowlistReloaded,
}

public enum GovernanceActor
{
    /// <summary>Through the admin API.</summary>
    Admin,

    /// <summary>An external edit of the allowlist file, picked up by the reload.</summary>
    File,
}

public enum AllowlistEntryKind
{
    Wallet,
    ApiKey,
}

/// <summary>
/// `governance.allowlist_entry_added` / `_removed` / `governance.allowlist_reloaded` (spec 10 §2.3). The type
/// follows the action; `entry_hash` is the hash of the lowercase wallet or of the API key, never the key.
/// </summary>
public sealed record AllowlistChangedSignal : ISignalData
{
    public required GovernanceAction Action { get; init; }
    public required GovernanceActor Actor { get; init; }
    /// <summary>Null for reloads.</summary>
    public required AllowlistEntryKind? EntryKind { get; init; }
    public required string? EntryHash { get; init; }
    public required int WalletCount { get; init; }
    public required int ApiKeyCount { get; init; }
    /// <summary>The audit-chain entry (spec 08) that records the change.</summary>
    public required Guid? AuditEntryId { get; init; }

    [JsonIgnore] public string Subject => SignalSubjects.Governance;
    [JsonIgnore] public string Type => "governance." + SignalJson.EnumName(Action);
}
