using System.Diagnostics;

namespace Dixie.Bff.Tests.Emulator;

/// <summary>The built finn-emulator program, run as a child process.</summary>
internal sealed class EmulatorProcess : IDisposable
{
    private EmulatorProcess(Process process) => Process = process;

    public Process Process { get; }

    public static EmulatorProcess Start(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(EmulatorFixture.BuiltEmulatorDll());
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        // The child must not pick up settings meant for the test process.
        foreach (var name in new[] { "EMULATOR_PORT", "EMULATOR_BIND", "EMULATOR_STRICT", "EMULATOR_WS_PER_IP",
                     "EMULATOR_WS_IDLE_SECONDS", "EMULATOR_MAX_SESSIONS", "EMULATOR_STAKING_FILE", "EMULATOR_LOG_LEVEL", "FINN_AUTH_TOKEN" })
        {
            start.Environment.Remove(name);
        }
        return new EmulatorProcess(Process.Start(start)!);
    }

    /// <summary>Runs to completion and returns the exit code and standard error.</summary>
    public static async Task<(int ExitCode, string Stderr)> RunAsync(params string[] args)
    {
        using var emulator = Start(args);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var stderr = emulator.Process.StandardError.ReadToEndAsync(timeout.Token);
        await emulator.Process.WaitForExitAsync(timeout.Token);
        return (emulator.Process.ExitCode, await stderr);
    }

    public void Terminate()
    {
        using var kill = Process.Start("kill", ["-TERM", Process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    public void Dispose()
    {
        if (!Process.HasExited)
        {
            Process.Kill();
        }
        Process.Dispose();
    }
}
