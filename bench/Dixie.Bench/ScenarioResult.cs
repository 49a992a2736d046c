namespace Dixie.Bench;

/// <summary>One row of the table: the scenario's figures, its baseline's, and the verdict.</summary>
public sealed record ScenarioResult
{
    public required string Id { get; init; }
    public required string Scenario { get; init; }
    /// <summary>Throughput in the scenario's own unit (req/s, sign-ins/s, events/s), when it has one.</summary>
    public double? Rate { get; init; }
    public double? P50Ms { get; init; }
    public double? P99Ms { get; init; }
    public string Baseline { get; init; } = "";
    public string Ratio { get; init; } = "";
    public required string Target { get; init; }
    public required bool Pass { get; init; }
    public string Note { get; init; } = "";
}

/// <summary>The median of the A/B rounds: robust to one noisy round on a shared machine.</summary>
public static class Median
{
    public static double Of(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0) return double.NaN;
        var middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}
