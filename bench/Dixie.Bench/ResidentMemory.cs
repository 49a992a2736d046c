using System.Globalization;

namespace Dixie.Bench;

/// <summary>M1: a process's resident set (VmRSS) from /proc, in MB.</summary>
public static class ResidentMemory
{
    public static long? Megabytes(int pid)
    {
        var status = $"/proc/{pid}/status";
        if (!File.Exists(status)) return null;
        var line = File.ReadLines(status).FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        if (line is null) return null;
        var kilobytes = long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
        return kilobytes / 1024;
    }
}
