using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NATS.Client.Core;
using NATS.Client.JetStream;

namespace Dixie.Bff.Infrastructure.Nats;

/// <summary>
/// Connects to NATS in the background, so neither startup nor readiness waits for it, follows the
/// connection state, and ensures the `DIXIE_SIGNALS` stream on every transition to connected (spec 10 §1).
/// </summary>
internal sealed class NatsConnectionService(
    NatsConnection connection,
    INatsJSContext jetStream,
    NatsStatus status,
    int streamReplicas,
    TimeProvider timeProvider,
    ILogger<NatsConnectionService> logger) : BackgroundService
{
    private static readonly TimeSpan ConnectFailedLogInterval = TimeSpan.FromMinutes(1);

    // One pending wake-up is enough: every ensure attempt reads the state afresh.
    private readonly Channel<bool> connected = Channel.CreateBounded<bool>(
        new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private int connectAttempts;
    private long lastConnectFailedLog;
    private int generation;

    /// <summary>How long to wait before ensuring the stream again after a failed attempt.</summary>
    internal TimeSpan EnsureRetryInterval { get; init; } = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        connection.ConnectionOpened += OnConnectionOpenedAsync;
        connection.ConnectionDisconnected += OnConnectionDisconnectedAsync;
        connection.OnConnectingAsync = OnConnectingAsync;
        await Task.Yield();

        var connecting = ConnectAsync(stoppingToken);
        try
        {
            await EnsureStreamOnEveryConnectAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        await connecting;
    }

    private async Task ConnectAsync(CancellationToken stoppingToken)
    {
        try
        {
            // With RetryOnInitialConnect this only returns once a server has been reached.
            await connection.ConnectAsync().AsTask().WaitAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception e) when (!stoppingToken.IsCancellationRequested)
        {
            // The client gives up only on a repeated authentication error.
            NatsLog.ConnectFailed(logger, Volatile.Read(ref connectAttempts), e);
        }
    }

    private async Task EnsureStreamOnEveryConnectAsync(CancellationToken stoppingToken)
    {
        var stream = new SignalStream(jetStream, streamReplicas, logger);
        while (await connected.Reader.WaitToReadAsync(stoppingToken))
        {
            connected.Reader.TryRead(out _);
            while (status.State == NatsState.Connected)
            {
                var attemptGeneration = Volatile.Read(ref generation);
                bool usable;
                using (var attemptTimeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken))
                {
                    attemptTimeout.CancelAfter(TimeSpan.FromSeconds(10));
                    usable = await EnsureOnceAsync(stream, attemptTimeout.Token, stoppingToken);
                }

                // A reconnect during the attempt asks for another one; it is already queued.
                if (usable && attemptGeneration == Volatile.Read(ref generation)
                    && status.TryMoveTo(NatsState.Ready, expected: NatsState.Connected))
                {
                    break;
                }

                if (!usable)
                {
                    await Task.Delay(EnsureRetryInterval, timeProvider, stoppingToken);
                }
            }
        }
    }

    private async Task<bool> EnsureOnceAsync(SignalStream stream, CancellationToken attemptToken, CancellationToken stoppingToken)
    {
        try
        {
            return await stream.EnsureAsync(attemptToken);
        }
        catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
        {
            NatsLog.StreamError(logger, SignalStream.Name, "timed out", new TimeoutException("Ensuring the stream took longer than 10 s"));
            return false;
        }
    }

    private ValueTask OnConnectionOpenedAsync(object? sender, NatsEventArgs args)
    {
        Interlocked.Increment(ref generation);
        status.MoveTo(NatsState.Connected);
        var server = connection.ServerInfo;
        NatsLog.Connected(logger, NatsUrls.WithoutCredentials(args.Message), server?.Version, server?.JetStreamAvailable ?? false);
        connected.Writer.TryWrite(true);
        return ValueTask.CompletedTask;
    }

    private ValueTask OnConnectionDisconnectedAsync(object? sender, NatsEventArgs args)
    {
        Interlocked.Increment(ref generation);
        status.MoveTo(NatsState.Disconnected);
        NatsLog.Disconnected(logger, $"connection to {NatsUrls.WithoutCredentials(args.Message)} closed");
        return ValueTask.CompletedTask;
    }

    // Called before every connect attempt. While the first connect keeps failing, the attempt before
    // this one has failed; report that at most once a minute.
    private ValueTask<(string Host, int Port)> OnConnectingAsync((string Host, int Port) target)
    {
        var attempt = Interlocked.Increment(ref connectAttempts);
        if (status.State == NatsState.Connecting && attempt > 1)
        {
            var now = timeProvider.GetTimestamp();
            var last = Interlocked.Read(ref lastConnectFailedLog);
            if ((last == 0 || timeProvider.GetElapsedTime(last, now) >= ConnectFailedLogInterval)
                && Interlocked.CompareExchange(ref lastConnectFailedLog, now, last) == last)
            {
                NatsLog.ConnectFailed(logger, attempt - 1, null);
            }
        }

        return ValueTask.FromResult(target);
    }
}
