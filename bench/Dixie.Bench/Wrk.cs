using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace Dixie.Bench;

/// <summary>One wrk run's numbers, from the line bench/wrk/report.lua prints.</summary>
public sealed record WrkResult(long Requests, long DurationMicroseconds, long SocketErrors, long StatusErrors, double P50Ms, double P99Ms)
{
    public double RequestsPerSecond => Requests / (DurationMicroseconds / 1_000_000.0);
    public long Errors => SocketErrors + StatusErrors;
}

/// <summary>Runs wrk (Debian's package) with a scenario script plus the shared reporting function.</summary>
public sealed class Wrk(BenchSettings settings)
{
    public async Task<WrkResult> RunAsync(Uri url, string script, int connections, IReadOnlyDictionary<string, string>? environment = null,
        int? durationSeconds = null, int threads = 2)
    {
        threads = Math.Min(threads, connections);
        var combined = Path.Combine(settings.WorkDirectory, $"wrk-{Path.GetFileNameWithoutExtension(script)}.lua");
        await File.WriteAllTextAsync(combined,
            await File.ReadAllTextAsync(Path.Combine(settings.WrkDirectory, script)) + "\n"
            + await File.ReadAllTextAsync(Path.Combine(settings.WrkDirectory, "report.lua")));
        var start = new ProcessStartInfo("wrk")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            ArgumentList = { "-t", Invariant(threads), "-c", Invariant(connections), "-d", Invariant(durationSeconds ?? settings.DurationSeconds) + "s",
                "--timeout", "5s", "-s", combined, url.ToString() },
        };
        start.Environment["BENCH_THREADS"] = Invariant(threads);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) start.Environment[name] = value;
        using var process = Process.Start(start) ?? throw new InvalidOperationException("wrk did not start");
        var output = await process.StandardOutput.ReadToEndAsync();
        var errors = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        var line = output.Split('\n').FirstOrDefault(l => l.StartsWith("BENCH_RESULT ", StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"wrk printed no result (exit {process.ExitCode}): {errors}{output}");
        using var json = JsonDocument.Parse(line["BENCH_RESULT ".Length..]);
        var r = json.RootElement;
        return new WrkResult(r.GetProperty("requests").GetInt64(), r.GetProperty("duration_us").GetInt64(),
            r.GetProperty("socket_errors").GetInt64(), r.GetProperty("status_errors").GetInt64(),
            r.GetProperty("p50_us").GetInt64() / 1000.0, r.GetProperty("p99_us").GetInt64() / 1000.0);
    }

    internal static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);
}
