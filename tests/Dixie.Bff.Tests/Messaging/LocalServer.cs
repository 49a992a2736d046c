using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Dixie.Bff.Tests.Messaging;

/// <summary>
/// A redis-server or nats-server child process on a free loopback port, owned by one test. It can be
/// stopped and started again on the same port (and, for NATS, the same JetStream store).
/// </summary>
internal sealed class LocalServer : IAsyncDisposable
{
    private readonly string executable;
    private readonly Func<int, string[]> arguments;
    private readonly string? workDirectory;
    private Process? process;

    private LocalServer(string executable, Func<int, string[]> arguments, string? workDirectory)
    {
        this.executable = executable;
        this.arguments = arguments;
        this.workDirectory = workDirectory;
        Port = FreePort();
    }

    public int Port { get; }

    public static LocalServer Redis(string maxMemoryPolicy = "noeviction") => new(
        "redis-server",
        port => ["--port", port.ToString(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--maxmemory-policy", maxMemoryPolicy],
        null);

    public static LocalServer Nats(bool jetStream = true)
    {
        var store = Directory.CreateTempSubdirectory("dixie-nats-").FullName;
        return new(
            File.Exists("/usr/sbin/nats-server") ? "/usr/sbin/nats-server" : "nats-server",
            port => jetStream ? ["-a", "127.0.0.1", "-p", port.ToString(), "-js", "-sd", store] : ["-a", "127.0.0.1", "-p", port.ToString()],
            store);
    }

    public async Task<LocalServer> StartAsync()
    {
        var start = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments(Port))
        {
            start.ArgumentList.Add(argument);
        }

        process = Process.Start(start) ?? throw new InvalidOperationException($"{executable} did not start");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await WaitUntilListeningAsync();
        return this;
    }

    public async Task StopAsync()
    {
        if (process is { HasExited: false })
        {
            process.Kill();
            await process.WaitForExitAsync();
        }

        process?.Dispose();
        process = null;
    }

    /// <summary>Freezes the process (SIGSTOP): connections stay open but nothing is answered.</summary>
    public Task FreezeAsync() => SignalAsync("-STOP");

    public Task ThawAsync() => SignalAsync("-CONT");

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        if (workDirectory is not null)
        {
            Directory.Delete(workDirectory, recursive: true);
        }
    }

    /// <summary>A port nothing listens on (at the moment of the call).</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private async Task SignalAsync(string signal)
    {
        using var kill = Process.Start("kill", [signal, process!.Id.ToString()]);
        await kill.WaitForExitAsync();
    }

    private async Task WaitUntilListeningAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline && process is { HasExited: false })
            {
                await Task.Delay(20);
            }
        }
    }
}
