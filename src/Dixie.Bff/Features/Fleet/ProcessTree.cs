namespace Dixie.Bff.Features.Fleet;

/// <summary>
/// Stops an agent and its descendants (spec 07 §4.5): SIGTERM to a snapshot of the tree, SIGKILL to
/// whatever is left after the grace period. Process groups are never signalled, because the agent
/// shares the service's group; a pid that fails the start-time check is never signalled.
/// </summary>
public static class ProcessTree
{
    public static async Task StopAsync(ProcessRef root, TimeSpan grace, CancellationToken ct = default)
    {
        if (!ProcStat.IsAlive(root.Pid, root.StartedAt)) return;
        var snapshot = Snapshot(root.Pid);
        foreach (var process in snapshot) ProcStat.Signal(process.Pid, ProcStat.SigTerm);

        var deadline = DateTime.UtcNow + grace;
        while (DateTime.UtcNow < deadline && snapshot.Any(p => ProcStat.IsAlive(p.Pid, p.StartedAt)))
        {
            await Task.Delay(TimeSpan.FromMilliseconds(100), ct);
        }

        // Re-walk the tree for children forked during the grace period, then kill the rest of the snapshot.
        var survivors = ProcStat.IsAlive(root.Pid, root.StartedAt) ? Snapshot(root.Pid) : [];
        foreach (var process in survivors.Concat(snapshot).DistinctBy(p => p.Pid))
        {
            if (ProcStat.IsAlive(process.Pid, process.StartedAt)) ProcStat.Signal(process.Pid, ProcStat.SigKill);
        }
    }

    /// <summary>The root plus every descendant, found through the parent links in /proc.</summary>
    public static List<ProcStat> Snapshot(int rootPid)
    {
        var all = ProcStat.All().ToList();
        var byParent = all.ToLookup(p => p.ParentPid);
        var result = new List<ProcStat>();
        if (all.FirstOrDefault(p => p.Pid == rootPid) is not { } root) return result;
        var queue = new Queue<ProcStat>([root]);
        while (queue.TryDequeue(out var process))
        {
            if (result.Any(p => p.Pid == process.Pid)) continue;
            result.Add(process);
            foreach (var child in byParent[process.Pid]) queue.Enqueue(child);
        }
        return result;
    }
}
