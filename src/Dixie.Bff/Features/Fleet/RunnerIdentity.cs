using System.Globalization;

namespace Dixie.Bff.Features.Fleet;

/// <summary>
/// Which host and which service instance run an agent (spec 07 §4.6). host id =
/// `&lt;machine&gt;:&lt;boot_id&gt;`, so a reboot or another container is another host; instance =
/// `&lt;host id&gt;/&lt;pid&gt;/&lt;start unix ms&gt;`.
/// </summary>
public sealed class RunnerIdentity
{
    public RunnerIdentity()
    {
        var bootId = File.Exists("/proc/sys/kernel/random/boot_id") ? File.ReadAllText("/proc/sys/kernel/random/boot_id").Trim() : "unknown";
        HostId = $"{Environment.MachineName}:{bootId}";
        var pid = Environment.ProcessId;
        var started = ProcStat.Read(pid)?.StartedAt ?? DateTimeOffset.UtcNow;
        Instance = Format(HostId, pid, started);
    }

    public string HostId { get; }

    public string Instance { get; }

    public static string Format(string hostId, int pid, DateTimeOffset started) =>
        $"{hostId}/{pid.ToString(CultureInfo.InvariantCulture)}/{started.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture)}";

    public bool IsOnThisHost(string? instance) => instance is not null && instance.StartsWith(HostId + "/", StringComparison.Ordinal);

    /// <summary>
    /// An instance on this host is alive while its pid runs with the recorded start time. Instances on
    /// other hosts cannot be judged here; they count as alive.
    /// </summary>
    public bool IsInstanceAlive(string? instance)
    {
        if (instance is null) return false;
        if (!IsOnThisHost(instance)) return true;
        var parts = instance[(HostId.Length + 1)..].Split('/');
        return parts.Length == 2
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
            && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var startedMs)
            && ProcStat.IsAlive(pid, DateTimeOffset.FromUnixTimeMilliseconds(startedMs));
    }
}
