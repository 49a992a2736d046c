using System.Diagnostics;

namespace Dixie.Bff.Tests.Infrastructure;

/// <summary>Runs a short-lived tool (initdb, useradd, chown) and fails with its output when it fails.</summary>
internal static class ToolCommand
{
    public static async Task<(int ExitCode, string Output)> RunAsync(string file, IEnumerable<string> arguments, string? workingDirectory = null)
    {
        var startInfo = new ProcessStartInfo(file)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory ?? Path.GetTempPath(),
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }
        using var process = Process.Start(startInfo)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"{file} did not finish within 2 minutes.");
        }
        return (process.ExitCode, (await stdout) + (await stderr));
    }

    public static async Task<string> RunCheckedAsync(string file, IEnumerable<string> arguments, string? workingDirectory = null)
    {
        var argumentList = arguments.ToList();
        var (exitCode, output) = await RunAsync(file, argumentList, workingDirectory);
        return exitCode == 0
            ? output
            : throw new InvalidOperationException($"{file} {string.Join(" ", argumentList)} failed with exit code {exitCode}:\n{output}");
    }
}
