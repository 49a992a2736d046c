namespace Dixie.Bff.Tests.Infrastructure;

/// <summary>A private nats-server on an ephemeral loopback port, with JetStream (file store in a temporary directory) unless disabled.</summary>
public sealed class NatsServer : DependencyServer
{
    private readonly string binary;
    private readonly bool jetStream;

    private NatsServer(string directory, string binary, bool jetStream) : base(directory)
    {
        this.binary = binary;
        this.jetStream = jetStream;
    }

    /// <summary>The NATS_URL form.</summary>
    public string Url => $"nats://127.0.0.1:{Port}";

    public static Task<NatsServer> StartAsync(bool jetStream = true)
    {
        var binary = ServerBinaries.Find("nats-server", "nats-server");
        return StartNewAsync(new NatsServer(ServerDirectory.Create("nats"), binary, jetStream));
    }

    // The JetStream store stays in the server's directory, so file-backed streams survive a restart.
    private protected override ServerProcess Launch()
    {
        List<string> command = [binary, "--addr", "127.0.0.1", "--port", Port.ToString()];
        if (jetStream)
        {
            command.AddRange(["--jetstream", "--store_dir", Path.Combine(WorkDirectory, "store")]);
        }
        return ServerProcess.Start("nats-server", "TERM", WorkDirectory, command);
    }

    // The server greets every client with its INFO line.
    private protected override Task<bool> IsReadyAsync(CancellationToken cancellationToken) =>
        TcpProbe.RepliesAsync(Port, null, "INFO ", cancellationToken);
}
