using System.Globalization;
using System.Runtime.InteropServices;

namespace Dixie.Bff.Features.Fleet;

/// <summary>What `/proc/&lt;pid&gt;/stat` says about a process: its state, parent and start time (Linux only).</summary>
public sealed record ProcStat(int Pid, char State, int ParentPid, DateTimeOffset StartedAt)
{
    // USER_HZ is 100 on every Linux ABI .NET runs on; /proc reports start times in those ticks.
    private const double TicksPerSecond = 100.0;
    private static readonly Lazy<DateTimeOffset> BootTime = new(ReadBootTime);

    public bool IsZombie => State is 'Z' or 'X';

    public static ProcStat? Read(int pid)
    {
        string text;
        try
        {
            text = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
        // The command name may contain spaces and parentheses: the fields start after the last ')'.
        var close = text.LastIndexOf(')');
        if (close < 0) return null;
        var fields = text[(close + 2)..].Split(' ');
        if (fields.Length < 20
            || !int.TryParse(fields[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var parent)
            || !long.TryParse(fields[19], NumberStyles.Integer, CultureInfo.InvariantCulture, out var startTicks))
        {
            return null;
        }
        return new ProcStat(pid, fields[0][0], parent, BootTime.Value.AddSeconds(startTicks / TicksPerSecond));
    }

    /// <summary>Every process now visible in /proc.</summary>
    public static IEnumerable<ProcStat> All()
    {
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
                && Read(pid) is { } stat)
            {
                yield return stat;
            }
        }
    }

    /// <summary>The pid runs, is not a zombie and started at <paramref name="startedAt"/> within ±1 s.</summary>
    public static bool IsAlive(int pid, DateTimeOffset startedAt) =>
        Read(pid) is { IsZombie: false } stat && Math.Abs((stat.StartedAt - startedAt).TotalSeconds) <= 1.0;

    /// <summary>Sends a signal with libc `kill` to one pid, never to a group.</summary>
    public static bool Signal(int pid, int signal) => pid > 1 && Native.kill(pid, signal) == 0;

    public const int SigTerm = 15;
    public const int SigKill = 9;

    private static DateTimeOffset ReadBootTime()
    {
        foreach (var line in File.ReadLines("/proc/stat"))
        {
            if (line.StartsWith("btime ", StringComparison.Ordinal)
                && long.TryParse(line.AsSpan(6).Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds))
            {
                return DateTimeOffset.FromUnixTimeSeconds(seconds);
            }
        }
        throw new InvalidOperationException("/proc/stat has no btime line");
    }

    private static class Native
    {
        [DllImport("libc", SetLastError = true)]
#pragma warning disable SYSLIB1054 // A plain DllImport keeps the project free of unsafe code.
        internal static extern int kill(int pid, int sig);
#pragma warning restore SYSLIB1054
    }
}
