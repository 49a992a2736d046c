using System.Diagnostics;
using System.Text;

namespace Dixie.Bff.Tests.Support;

/// <summary>
/// Runs the built `dixie-bff` or `finn-emulator` binary (copied next to the tests) with exactly the
/// environment a test gives it, so nothing from the machine's environment leaks in.
/// </summary>
public sealed class BinaryRun : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();

    private BinaryRun(Process process)
    {
        _process = process;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (_stdout) _stdout.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_stderr) _stderr.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public string Stdout { get { lock (_stdout) return _stdout.ToString(); } }
    public string Stderr { get { lock (_stderr) return _stderr.ToString(); } }
    public bool HasExited => _process.HasExited;

    public static BinaryRun Start(string binary, IReadOnlyDictionary<string, string?> environment, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, binary + ".dll"));
        foreach (var arg in args) start.ArgumentList.Add(arg);
        start.Environment.Clear();
        foreach (var name in new[] { "PATH", "HOME", "DOTNET_ROOT", "TMPDIR" })
        {
            if (System.Environment.GetEnvironmentVariable(name) is { } value) start.Environment[name] = value;
        }
        foreach (var (name, value) in environment)
        {
            if (value is not null) start.Environment[name] = value;
        }
        return new BinaryRun(Process.Start(start)!);
    }

    /// <summary>Runs a command to completion and returns its exit code.</summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(
        IReadOnlyDictionary<string, string?> environment, TimeSpan timeout, params string[] args)
    {
        await using var run = Start("dixie-bff", environment, args);
        var code = await run.WaitForExitAsync(timeout);
        return (code, run.Stdout, run.Stderr);
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"process did not exit within {timeout}; stderr:\n{Stderr}\nstdout:\n{Stdout}");
        }
        _process.WaitForExit();
        return _process.ExitCode;
    }

    public void Terminate()
    {
        if (!_process.HasExited) Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!.WaitForExit();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}
