namespace Dixie.Bench;

/// <summary>P7: alternating samples of dixie's first SSE chunk and the emulator's first text_delta.</summary>
public sealed class SsePerf(BenchSettings settings, SseProbe probe)
{
    private const int SamplesPerRound = 20;

    // Tiered JIT recompiles a method after 30 calls; fewer warm-up turns would measure tier-0 code.
    private const int WarmUpTurns = 50;

    public async Task<ScenarioResult> RunAsync()
    {
        // Warm both paths (JIT, connection pools) before measuring.
        for (var i = 0; i < WarmUpTurns; i++)
        {
            await probe.ThroughDixieAsync();
            await probe.FromEmulatorAsync();
        }
        var dixie = new List<double>();
        var direct = new List<double>();
        for (var i = 0; i < SamplesPerRound * settings.Rounds; i++)
        {
            dixie.Add(await probe.ThroughDixieAsync());
            direct.Add(await probe.FromEmulatorAsync());
        }
        var p50 = Median.Of(dixie);
        var baseP50 = Median.Of(direct);
        return new ScenarioResult
        {
            Id = "P7", Scenario = "SSE chat: time to first chunk (new session)", P50Ms = p50, P99Ms = Percentile(dixie, 0.99),
            Baseline = $"finn-emulator first text_delta p50 {baseP50:F2} ms", Ratio = $"added p50 {p50 - baseP50:F2} ms",
            Target = "added p50 ≤ 5 ms", Pass = p50 - baseP50 <= 5,
        };
    }

    private static double Percentile(List<double> values, double p)
    {
        var sorted = values.Order().ToArray();
        return sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
    }
}
