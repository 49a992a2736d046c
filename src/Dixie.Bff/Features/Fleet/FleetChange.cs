using Dixie.Bff.Infrastructure.Outbox;

namespace Dixie.Bff.Features.Fleet;

/// <summary>
/// What a transition writes besides the status, and what its event and audit entry need. Unset
/// fields leave the column as it is.
/// </summary>
public sealed record FleetChange
{
    public static FleetChange None { get; } = new();

    /// <summary>`failure_context.reason`; with <see cref="FailureDetail"/> it becomes the stored JSON object.</summary>
    public string? Reason { get; init; }
    public System.Text.Json.Nodes.JsonObject? FailureDetail { get; init; }
    public int? ExitCode { get; init; }
    public int? PrNumber { get; init; }
    public string? CiStatus { get; init; }
    /// <summary>JSON object text.</summary>
    public string? ReviewStatus { get; init; }
    /// <summary>`{prNumber?, url?}` JSON text from result.json.</summary>
    public string? Result { get; init; }
    public string? Url { get; init; }
    public DateTimeOffset? SpawnedAt { get; init; }
    /// <summary>A freshly started process: pid and start time are stored and the previous end is cleared.</summary>
    public ProcessRef? Process { get; init; }
    public DateTimeOffset? ProcessEndedAt { get; init; }
    public string? WorktreePath { get; init; }
    /// <summary>The instance that will start the next process: set when a retry is admitted (spec 07 §4.6).</summary>
    public string? RunnerInstance { get; init; }
    public string? LogPath { get; init; }
    public bool IncrementRetry { get; init; }

    // Event-only context.
    public string? Tier { get; init; }
    public string? RoutingReason { get; init; }
    public FleetCancelledBy? CancelledBy { get; init; }
}

/// <summary>Who made a change, as the audit chain records it (spec 08 §2.1).</summary>
public sealed record FleetActor(string AuditId)
{
    public static FleetActor Admin { get; } = new("admin");
    public static FleetActor System { get; } = new("system:dixie-bff");

    public static FleetActor Wallet(string wallet) => new(wallet);

    public bool IsAdmin => ReferenceEquals(this, Admin) || AuditId == "admin";
}
