using Dixie.Bff.Features.Health;

namespace Dixie.Bff.Features.Governance;

/// <summary>One governor's part of a snapshot: its check, or why there is none (`"health": null`).</summary>
public sealed record GovernorSnapshot(string ResourceType, GovernorCheck? Check, string? Error)
{
    public bool IsHealthy => Check?.Status == "healthy";
    public bool IsDegraded => Check?.Status == "degraded";
}

/// <summary>
/// The governed resources (spec 08 §1): every registered <see cref="IGovernor"/>, in the fixed order
/// reputation, fleet, audit, allowlist, then any other type in registration order. A type registered
/// twice is a startup error. `/api/health` reads only the summary of the last snapshot.
/// </summary>
public sealed class GovernorRegistry
{
    /// <summary>The fixed order of spec 08 §1.1.</summary>
    public static readonly IReadOnlyList<string> KnownOrder = ["reputation", "fleet", "audit", "allowlist"];

    /// <summary>How long the first health call waits for the first snapshot.</summary>
    public static readonly TimeSpan FirstSnapshotWait = TimeSpan.FromSeconds(2);

    private readonly TaskCompletionSource _firstSnapshot = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile IReadOnlyList<GovernorSnapshot>? _latest;
    // Environment.TickCount64 by which the first snapshot was due; 0 until the first health call.
    private long _firstWaitDeadline;

    public GovernorRegistry(IEnumerable<IGovernor> governors)
    {
        var registered = governors.ToList();
        var duplicate = registered.GroupBy(g => g.ResourceType, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new InvalidOperationException($"Governor '{duplicate.Key}' is registered twice");
        Governors = [.. registered.OrderBy(g => OrderOf(g.ResourceType))];
    }

    public IReadOnlyList<IGovernor> Governors { get; }

    public IReadOnlyList<string> ResourceTypes => [.. Governors.Select(g => g.ResourceType)];

    /// <summary>The last stored snapshot, null before the first.</summary>
    public IReadOnlyList<GovernorSnapshot>? Latest => _latest;

    public void StoreSnapshot(IReadOnlyList<GovernorSnapshot> snapshot)
    {
        _latest = snapshot;
        _firstSnapshot.TrySetResult();
    }

    /// <summary>
    /// The `/api/health` summary from the last snapshot. Before the first, health calls wait for it
    /// until 2 s after the first such call (so a slow start never delays every probe by 2 s) and read
    /// `degraded` when it has not come.
    /// </summary>
    public async Task<GovernanceSummary> SummaryAsync(CancellationToken cancellationToken)
    {
        if (_latest is null)
        {
            Interlocked.CompareExchange(ref _firstWaitDeadline, Environment.TickCount64 + (long)FirstSnapshotWait.TotalMilliseconds, 0);
            var remaining = Interlocked.Read(ref _firstWaitDeadline) - Environment.TickCount64;
            try
            {
                if (remaining > 0) await _firstSnapshot.Task.WaitAsync(TimeSpan.FromMilliseconds(remaining), cancellationToken);
            }
            catch (TimeoutException)
            {
                // Answered below as degraded: an unknown state is not healthy.
            }
        }
        return Summary();
    }

    public GovernanceSummary Summary()
    {
        var snapshot = _latest;
        var healthy = snapshot is not null && Governors.All(g => snapshot.Any(s => s.ResourceType == g.ResourceType && s.IsHealthy));
        return new GovernanceSummary(Governors.Count, ResourceTypes, healthy ? "healthy" : "degraded");
    }

    private int OrderOf(string resourceType)
    {
        var index = KnownOrder.ToList().IndexOf(resourceType);
        // Unknown types follow the four, in registration order (OrderBy is stable).
        return index >= 0 ? index : KnownOrder.Count;
    }
}
