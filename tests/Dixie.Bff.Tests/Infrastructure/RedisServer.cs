namespace Dixie.Bff.Tests.Infrastructure;

/// <summary>A private redis-server on an ephemeral loopback port, without persistence.</summary>
public sealed class RedisServer : DependencyServer
{
    private readonly string binary;
    private readonly string maxMemoryPolicy;

    private RedisServer(string directory, string binary, string maxMemoryPolicy) : base(directory)
    {
        this.binary = binary;
        this.maxMemoryPolicy = maxMemoryPolicy;
    }

    /// <summary>The REDIS_URL form, database 0.</summary>
    public string Url => $"redis://127.0.0.1:{Port}/0";

    /// <param name="maxMemoryPolicy">The service expects noeviction and warns about anything else.</param>
    public static Task<RedisServer> StartAsync(string maxMemoryPolicy = "noeviction")
    {
        var binary = ServerBinaries.Find("redis-server", "redis-server");
        return StartNewAsync(new RedisServer(ServerDirectory.Create("redis"), binary, maxMemoryPolicy));
    }

    // Stopping loses the data: there is no persistence, so a restart comes back empty.
    private protected override ServerProcess Launch() => ServerProcess.Start("redis-server", "TERM", WorkDirectory,
    [
        binary, "--port", Port.ToString(), "--bind", "127.0.0.1", "--dir", WorkDirectory,
        "--save", "", "--appendonly", "no", "--maxmemory-policy", maxMemoryPolicy,
        "--daemonize", "no", "--loglevel", "warning",
    ]);

    private protected override Task<bool> IsReadyAsync(CancellationToken cancellationToken) =>
        TcpProbe.RepliesAsync(Port, "PING\r\n", "+PONG", cancellationToken);
}
