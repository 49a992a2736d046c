using Dixie.Bff.Infrastructure.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;
using StackExchange.Redis.KeyspaceIsolation;

namespace Dixie.Bff.Infrastructure.Redis;

/// <summary>
/// The one Redis connection of the process (spec 10 §4). It connects in the background when the host
/// starts, so neither startup nor a request ever waits for Redis, and reports availability changes in
/// the log once per outage.
/// </summary>
public sealed class RedisConnection(DixieConfig config, ILoggerFactory loggerFactory, TimeProvider timeProvider)
    : IHostedService, IAsyncDisposable
{
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan ProbeFailureLogInterval = TimeSpan.FromSeconds(60);

    private readonly ILogger logger = loggerFactory.CreateLogger<RedisConnection>();
    private readonly RedisSettings? settings = config.Data.Redis;
    private readonly string prefix = config.Data.RedisPrefix;
    private readonly RedisAvailability availability = new(
        () => RedisOptions.Create(config.Data.Redis!, config.Data.RedisPrefix, loggerFactory),
        loggerFactory.CreateLogger<RedisConnection>());
    private readonly Lock gate = new();
    private volatile ConnectionMultiplexer? multiplexer;
    private volatile IDatabase? database;
    private Task connecting = Task.CompletedTask;
    private bool disposed;
    private long lastProbeFailureLog;

    /// <summary>False when `REDIS_URL` is unset; features then use their in-process equivalents (D8).</summary>
    public bool IsConfigured => settings is not null;

    /// <summary>True while the multiplexer has a working connection.</summary>
    public bool IsConnected => multiplexer?.IsConnected == true;

    /// <summary>
    /// The database every feature uses, with the environment prefix applied to keys. Read it per
    /// operation: until the first connect attempt has finished it throws
    /// <see cref="RedisConnectionException"/>, as any command does while Redis is down.
    /// </summary>
    public IDatabase Database => database ?? throw (IsConfigured
        ? new RedisConnectionException(
            ConnectionFailureType.UnableToConnect, CommandFlags.None, "Redis is still connecting", null, CommandStatus.Unknown)
        : new InvalidOperationException("Redis is not configured (REDIS_URL is unset)"));

    /// <summary>The raw multiplexer, without the key prefix; for tests and diagnostics.</summary>
    internal IConnectionMultiplexer? Multiplexer => multiplexer;

    /// <summary>Completes when the first connect attempt has finished, connected or not.</summary>
    internal Task Connecting => connecting;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (settings is not null)
        {
            connecting = Task.Run(() => ConnectAsync(settings), CancellationToken.None);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        // A first connect to a hung server can take several connect timeouts; shutdown does not wait
        // for it, and the connect disposes its own result instead.
        ConnectionMultiplexer? current;
        lock (gate)
        {
            disposed = true;
            current = multiplexer;
        }

        if (current is not null)
        {
            await current.DisposeAsync();
        }
    }

    /// <summary>
    /// The `redis` entry of `/api/health` (spec 03 §3.2): PING within 2 s, and `unreachable` at once
    /// when the multiplexer is not connected.
    /// </summary>
    public async Task<ProbeResult> ProbeAsync(CancellationToken cancellationToken)
    {
        if (!IsConfigured)
        {
            return ProbeResult.NotConfiguredResult;
        }

        var started = timeProvider.GetTimestamp();
        var current = multiplexer;
        if (current is null || !current.IsConnected)
        {
            return Failed(started, "Redis connection failed", null);
        }

        try
        {
            await current.GetDatabase().PingAsync().WaitAsync(ProbeTimeout, timeProvider, cancellationToken);
            return ProbeResult.Ok(timeProvider.GetElapsedTime(started));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (TimeoutException e)
        {
            // RedisTimeoutException is a TimeoutException too.
            return Failed(started, "Redis timed out", e);
        }
        catch (Exception e)
        {
            return Failed(started, "Redis connection failed", e);
        }
    }

    private ProbeResult Failed(long started, string error, Exception? exception)
    {
        var now = timeProvider.GetTimestamp();
        var last = Interlocked.Read(ref lastProbeFailureLog);
        if ((last == 0 || timeProvider.GetElapsedTime(last, now) >= ProbeFailureLogInterval)
            && Interlocked.CompareExchange(ref lastProbeFailureLog, now, last) == last)
        {
            RedisLog.ProbeFailed(logger, "redis", error, exception);
        }

        return ProbeResult.Failed(timeProvider.GetElapsedTime(started, now), error);
    }

    private async Task ConnectAsync(RedisSettings redis)
    {
        var options = RedisOptions.Create(redis, prefix, loggerFactory);
        ConnectionMultiplexer connected;
        try
        {
            // With AbortOnConnectFail off this returns after the first attempt even when Redis is down,
            // and the multiplexer keeps reconnecting on its own.
            connected = await ConnectionMultiplexer.ConnectAsync(options);
        }
        catch (Exception e)
        {
            availability.Down(e.GetType().Name);
            return;
        }

        var db = connected.GetDatabase();
        lock (gate)
        {
            if (!disposed)
            {
                database = prefix.Length == 0 ? db : db.WithKeyPrefix(prefix);
                multiplexer = connected;
            }
        }

        if (multiplexer != connected)
        {
            await connected.DisposeAsync();
            return;
        }

        availability.Watch(connected);
    }
}
