namespace Dixie.Bff.Tests.Infrastructure;

/// <summary>A private nats-server on an ephemeral loopback port, with JetStream (file store in a temporary directory) unless disabled.</summary>
public sealed class NatsServer : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);
    private readonly string directory;
    private readonly string binary;
    private readonly bool jetStream;
    private ServerProcess? process;

    private NatsServer(string directory, string binary, bool jetStream, int port)
    {
        this.directory = directory;
        this.binary = binary;
        this.jetStream = jetStream;
        Port = port;
    }

    public int Port { get; private set; }

    /// <summary>The NATS_URL form.</summary>
    public string Url => $"nats://127.0.0.1:{Port}";

    public static async Task<NatsServer> StartAsync(bool jetStream = true)
    {
        var server = new NatsServer(ServerDirectory.Create("nats"), ServerBinaries.Find("nats-server", "nats-server"), jetStream, FreePort.Next());
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await server.StartAgainAsync();
                    return server;
                }
                catch (ServerStartException e) when (attempt < 3 && e.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
                {
                    server.Port = FreePort.Next();
                }
            }
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    public async Task StopAsync()
    {
        if (process is not null)
        {
            await process.DisposeAsync();
            process = null;
        }
    }

    /// <summary>Starts it again on the same port with the same JetStream store, so file-backed streams survive.</summary>
    public async Task StartAgainAsync()
    {
        await StopAsync();
        List<string> command = [binary, "--addr", "127.0.0.1", "--port", Port.ToString()];
        if (jetStream)
        {
            command.AddRange(["--jetstream", "--store_dir", Path.Combine(directory, "store")]);
        }
        process = ServerProcess.Start("nats-server", "TERM", directory, command);
        // The server greets every client with its INFO line.
        await process.WaitUntilReadyAsync(ct => TcpProbe.RepliesAsync(Port, null, "INFO ", ct), StartTimeout);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        ServerDirectory.Delete(directory);
    }
}
