using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Dixie.Bench;

/// <summary>The Markdown table on stdout and `bench/results/latest.json` (spec 13 §1.1).</summary>
public static class BenchReport
{
    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    public static string Markdown(IReadOnlyList<ScenarioResult> results, MachineFacts machine)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Machine: {machine.Cores} cores, load average {machine.LoadBefore} before / {machine.LoadAfter} after, {machine.Rounds} A/B rounds of {machine.DurationSeconds} s");
        text.AppendLine();
        text.AppendLine("| Id | Scenario | rate | p50 ms | p99 ms | baseline | ratio | target | result |");
        text.AppendLine("| --- | --- | ---: | ---: | ---: | --- | --- | --- | --- |");
        foreach (var r in results)
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {r.Id} | {r.Scenario} | {Format(r.Rate, "F0")} | {Format(r.P50Ms, "F2")} | {Format(r.P99Ms, "F2")} | {r.Baseline} | {r.Ratio} | {r.Target} | {(r.Pass ? "pass" : "**FAIL**")}{(r.Note.Length > 0 ? " — " + r.Note : "")} |");
        }
        return text.ToString();
    }

    public static async Task WriteJsonAsync(string path, IReadOnlyList<ScenarioResult> results, MachineFacts machine)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllTextAsync(path, JsonSerializer.Serialize(new { machine, results, measuredAt = DateTimeOffset.UtcNow },
            JsonOptions));
    }

    private static string Format(double? value, string format) => value is { } v ? v.ToString(format, CultureInfo.InvariantCulture) : "";
}

/// <summary>What the numbers were measured on: they mean little without it.</summary>
public sealed record MachineFacts(int Cores, string LoadBefore, string LoadAfter, int Rounds, int DurationSeconds)
{
    public static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";
}
