namespace Dixie.Bff.Tests.Infrastructure;

/// <summary>A private redis-server on an ephemeral loopback port, without persistence and without eviction.</summary>
public sealed class RedisServer : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);
    private readonly string directory;
    private readonly string binary;
    private ServerProcess? process;

    private RedisServer(string directory, string binary, int port)
    {
        this.directory = directory;
        this.binary = binary;
        Port = port;
    }

    public int Port { get; private set; }

    /// <summary>The REDIS_URL form, database 0.</summary>
    public string Url => $"redis://127.0.0.1:{Port}/0";

    public static async Task<RedisServer> StartAsync()
    {
        var server = new RedisServer(ServerDirectory.Create("redis"), ServerBinaries.Find("redis-server", "redis-server"), FreePort.Next());
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await server.StartAgainAsync();
                    return server;
                }
                catch (ServerStartException e) when (attempt < 3 && e.Message.Contains("Address already in use", StringComparison.Ordinal))
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

    /// <summary>Stops the server; its data is gone (there is no persistence).</summary>
    public async Task StopAsync()
    {
        if (process is not null)
        {
            await process.DisposeAsync();
            process = null;
        }
    }

    /// <summary>Starts it again on the same port, empty.</summary>
    public async Task StartAgainAsync()
    {
        await StopAsync();
        process = ServerProcess.Start("redis-server", "TERM", directory,
        [
            binary, "--port", Port.ToString(), "--bind", "127.0.0.1", "--dir", directory,
            "--save", "", "--appendonly", "no", "--maxmemory-policy", "noeviction",
            "--daemonize", "no", "--loglevel", "warning",
        ]);
        await process.WaitUntilReadyAsync(ct => TcpProbe.RepliesAsync(Port, "PING\r\n", "+PONG", ct), StartTimeout);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        ServerDirectory.Delete(directory);
    }
}
