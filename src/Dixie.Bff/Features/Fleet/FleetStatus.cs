namespace Dixie.Bff.Features.Fleet;

/// <summary>The 13 task statuses and the legal edges between them (spec 07 §3.3).</summary>
public static class FleetStatus
{
    public const string Proposed = "proposed";
    public const string Spawning = "spawning";
    public const string Running = "running";
    public const string PrCreated = "pr_created";
    public const string Reviewing = "reviewing";
    public const string Ready = "ready";
    public const string Merged = "merged";
    public const string Failed = "failed";
    public const string Retrying = "retrying";
    public const string Abandoned = "abandoned";
    public const string Rejected = "rejected";
    public const string Cancelled = "cancelled";
    public const string Completed = "completed";

    public static IReadOnlyList<string> All { get; } =
        [Proposed, Spawning, Running, PrCreated, Reviewing, Ready, Merged, Failed, Retrying, Abandoned, Rejected, Cancelled, Completed];

    /// <summary>Counted for admission: the tier limit caps these.</summary>
    public static IReadOnlyList<string> SlotConsuming { get; } = [Proposed, Spawning, Running, PrCreated, Reviewing, Ready, Retrying];

    /// <summary>Entering one of these stamps `completed_at`.</summary>
    public static IReadOnlyList<string> Finishing { get; } = [Merged, Completed, Failed, Cancelled, Abandoned, Rejected];

    public static IReadOnlyList<string> Deletable { get; } = [Merged, Abandoned, Cancelled, Completed, Failed, Rejected];

    /// <summary>
    /// The existing service's 16 edges plus proposed → failed and running → completed, and retrying →
    /// failed for a retry whose launch never happened (the monitor's rule 4, docs/adr/018).
    /// </summary>
    private static readonly HashSet<(string From, string To)> Edges =
    [
        (Proposed, Spawning), (Proposed, Failed),
        (Spawning, Running), (Spawning, Failed),
        (Running, PrCreated), (Running, Completed), (Running, Failed), (Running, Cancelled),
        (PrCreated, Reviewing), (PrCreated, Cancelled),
        (Reviewing, Ready), (Reviewing, Rejected),
        (Ready, Merged),
        (Failed, Retrying), (Failed, Abandoned),
        (Rejected, Retrying),
        (Retrying, Spawning), (Retrying, Abandoned), (Retrying, Failed),
    ];

    public static IEnumerable<(string From, string To)> LegalEdges => Edges;

    public static bool IsKnown(string status) => All.Contains(status, StringComparer.Ordinal);

    public static bool CanMove(string from, string to) => Edges.Contains((from, to));

    public static bool IsSlotConsuming(string status) => SlotConsuming.Contains(status, StringComparer.Ordinal);

    public static bool IsProcessBearing(string status) => status is Spawning or Running;
}
