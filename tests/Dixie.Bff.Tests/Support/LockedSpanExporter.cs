using System.Diagnostics;
using OpenTelemetry;

namespace Dixie.Bff.Tests.Support;

/// <summary>
/// Adds ended spans to a list under a lock on that list. Spans end on request threads while a test
/// reads the list, and List is not safe for that; readers take <see cref="Snapshot"/>.
/// </summary>
public sealed class LockedSpanExporter(List<Activity> spans) : BaseExporter<Activity>
{
    public override ExportResult Export(in Batch<Activity> batch)
    {
        lock (spans)
        {
            foreach (var activity in batch) spans.Add(activity);
        }
        return ExportResult.Success;
    }

    public static Activity[] Snapshot(List<Activity> spans)
    {
        lock (spans) return [.. spans];
    }
}
