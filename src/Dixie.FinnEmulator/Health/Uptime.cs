using System.Diagnostics;

namespace Dixie.FinnEmulator.Health;

/// <summary>Seconds since this emulator instance was built, as finn reports its uptime.</summary>
public sealed class Uptime
{
    private readonly long _started = Stopwatch.GetTimestamp();

    public double Seconds => Math.Round(Stopwatch.GetElapsedTime(_started).TotalSeconds, 3);
}
