namespace Dixie.Bff.Tests.Infrastructure;

/// <summary>
/// What the private PostgreSQL, Redis and NATS servers share: one server process at a time on a
/// loopback port that stays the same across stop, start, freeze and thaw, so a client configured
/// once sees an outage, a hang and a recovery the way it would in production.
/// </summary>
public abstract class DependencyServer : IAsyncDisposable
{
    private ServerProcess? process;

    private protected DependencyServer(string directory)
    {
        WorkDirectory = directory;
        Port = FreePort.Next();
    }

    public int Port { get; private set; }

    private protected string WorkDirectory { get; }

    private protected virtual TimeSpan StartTimeout => TimeSpan.FromSeconds(30);

    /// <summary>Stops the server (open connections are dropped); the port stays reserved for <see cref="StartAgainAsync"/>.</summary>
    public async Task StopAsync()
    {
        if (process is not null)
        {
            await process.DisposeAsync();
            process = null;
        }
    }

    /// <summary>Starts the stopped server again on the same port and waits until it answers.</summary>
    public async Task StartAgainAsync()
    {
        await StopAsync();
        process = Launch();
        await process.WaitUntilReadyAsync(IsReadyAsync, StartTimeout);
    }

    /// <summary>
    /// Suspends the server and its child processes (SIGSTOP): connections stay open and new ones
    /// are accepted by the kernel, but nothing is answered — a hung dependency.
    /// </summary>
    public Task FreezeAsync() => Running.FreezeAsync();

    /// <summary>Resumes a frozen server (SIGCONT); it answers what was sent meanwhile.</summary>
    public Task ThawAsync() => Running.ThawAsync();

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        ServerDirectory.Delete(WorkDirectory);
        GC.SuppressFinalize(this);
    }

    private ServerProcess Running => process ?? throw new InvalidOperationException("the server is not running");

    private protected abstract ServerProcess Launch();

    /// <summary>Whether the server answers a client (an open port alone can mean it is still starting).</summary>
    private protected abstract Task<bool> IsReadyAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Runs <paramref name="prepare"/> and starts <paramref name="server"/>; disposes it when that
    /// fails. Another process can take the port between <see cref="FreePort.Next"/> and the bind,
    /// so a bind failure is retried on a new port.
    /// </summary>
    private protected static async Task<T> StartNewAsync<T>(T server, Func<Task>? prepare = null) where T : DependencyServer
    {
        try
        {
            if (prepare is not null)
            {
                await prepare();
            }
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await server.StartAgainAsync();
                    return server;
                }
                catch (ServerStartException e) when (attempt < 3 && e.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
                {
                    await server.StopAsync();
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
}
