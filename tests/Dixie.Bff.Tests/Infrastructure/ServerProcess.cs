using System.Diagnostics;
using System.Globalization;

namespace Dixie.Bff.Tests.Infrastructure;

/// <summary>
/// One run of a server binary under a small shell watchdog. The watchdog sends the server its stop
/// signal when its standard input closes: when <see cref="StopAsync"/> closes it, and also when the
/// test process dies without cleaning up, so a killed test run leaves no servers behind. It also
/// tells the server's process id, so the server can be frozen (SIGSTOP) and thawed (SIGCONT).
/// </summary>
internal sealed class ServerProcess : IAsyncDisposable
{
    // $1 = stop signal, the rest = the server command. A background job's stdin is /dev/null, so
    // the reader gets the watchdog's stdin through fd 3.
    private const string Watchdog = """
        sig=$1; shift
        exec 3<&0
        "$@" 3<&- &
        server=$!
        echo "dixie-test-watchdog server-pid $server"
        ( read -r _ignored; kill -"$sig" "$server" 2>/dev/null; kill -CONT "$server" 2>/dev/null ) <&3 >/dev/null 2>&1 &
        reader=$!
        exec 3<&-
        wait "$server"
        status=$?
        kill "$reader" 2>/dev/null
        exit $status
        """;

    private const string PidMarker = "dixie-test-watchdog server-pid ";
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(20);
    private readonly TaskCompletionSource<int> serverPid = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool frozen;
    private readonly Process process;
    private readonly string name;
    private readonly Queue<string> logTail = new();
    private int disposed;

    private ServerProcess(string name, Process process)
    {
        this.name = name;
        this.process = process;
    }

    public bool HasExited => process.HasExited;

    /// <summary>Starts <paramref name="command"/> (binary first) in <paramref name="workingDirectory"/>.</summary>
    public static ServerProcess Start(string name, string stopSignal, string workingDirectory, IEnumerable<string> command)
    {
        var startInfo = new ProcessStartInfo("/bin/sh")
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory,
        };
        foreach (var argument in new[] { "-c", Watchdog, "dixie-test-watchdog", stopSignal }.Concat(command))
        {
            startInfo.ArgumentList.Add(argument);
        }
        var process = new Process { StartInfo = startInfo, EnableRaisingEvents = true };
        var server = new ServerProcess(name, process);
        process.OutputDataReceived += (_, e) => server.Record(e.Data);
        process.ErrorDataReceived += (_, e) => server.Record(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return server;
    }

    /// <summary>The last lines the server wrote, for failure messages.</summary>
    public string LogTail()
    {
        lock (logTail)
        {
            return string.Join('\n', logTail);
        }
    }

    /// <summary>
    /// Polls <paramref name="probe"/> until it returns true. Throws with the log tail when the server
    /// exits first or the timeout passes.
    /// </summary>
    public async Task WaitUntilReadyAsync(Func<CancellationToken, Task<bool>> probe, TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        while (true)
        {
            if (process.HasExited)
            {
                await process.WaitForExitAsync(CancellationToken.None);
                throw new ServerStartException(name, $"exited with code {process.ExitCode} before accepting connections", LogTail());
            }
            try
            {
                if (await probe(deadline.Token))
                {
                    return;
                }
                await Task.Delay(50, deadline.Token);
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested)
            {
                await StopAsync();
                throw new ServerStartException(name, $"did not accept connections within {timeout.TotalSeconds:0} s", LogTail());
            }
        }
    }

    /// <summary>
    /// Suspends the server and everything it started (PostgreSQL's backends are its children). The
    /// server goes first, so it cannot start a child that would escape.
    /// </summary>
    public async Task FreezeAsync()
    {
        var pid = await ServerPidAsync();
        await ToolCommand.RunCheckedAsync("kill", ["-STOP", pid.ToString(CultureInfo.InvariantCulture)]);
        frozen = true;
        await SignalAsync("-STOP", ProcessTree.Descendants(pid));
    }

    public async Task ThawAsync()
    {
        if (!frozen)
        {
            return;
        }
        var pid = await ServerPidAsync();
        await SignalAsync("-CONT", ProcessTree.Descendants(pid));
        await ToolCommand.RunCheckedAsync("kill", ["-CONT", pid.ToString(CultureInfo.InvariantCulture)]);
        frozen = false;
    }

    /// <summary>Asks the server to stop and waits for it; kills it when it does not stop in time.</summary>
    public async Task StopAsync()
    {
        // A stopped process ignores its stop signal until it runs again.
        if (frozen && !process.HasExited)
        {
            await ThawAsync();
        }
        if (!process.HasExited)
        {
            try
            {
                process.StandardInput.Close();
            }
            catch (IOException)
            {
                // The watchdog is already gone.
            }
        }
        using var timeout = new CancellationTokenSource(StopTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 0)
        {
            await StopAsync();
            process.Dispose();
        }
    }

    private async Task<int> ServerPidAsync()
    {
        try
        {
            return await serverPid.Task.WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (TimeoutException)
        {
            throw new InvalidOperationException($"{name}: the watchdog did not tell the server's process id. Last log lines:\n{LogTail()}");
        }
    }

    // A child that exits between listing and signalling is not an error.
    private static async Task SignalAsync(string signal, IReadOnlyList<int> pids)
    {
        if (pids.Count > 0)
        {
            await ToolCommand.RunAsync("kill", [signal, .. pids.Select(pid => pid.ToString(CultureInfo.InvariantCulture))]);
        }
    }

    private void Record(string? line)
    {
        if (line is null)
        {
            return;
        }
        if (line.StartsWith(PidMarker, StringComparison.Ordinal))
        {
            serverPid.TrySetResult(int.Parse(line[PidMarker.Length..], CultureInfo.InvariantCulture));
            return;
        }
        lock (logTail)
        {
            logTail.Enqueue(line);
            while (logTail.Count > 60)
            {
                logTail.Dequeue();
            }
        }
    }
}

/// <summary>A test server did not come up; the message carries the server's last log lines.</summary>
public sealed class ServerStartException(string server, string problem, string logTail)
    : Exception($"{server} {problem}. Last log lines:\n{logTail}");
