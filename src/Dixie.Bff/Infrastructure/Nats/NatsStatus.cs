using Microsoft.Extensions.Logging;
using NATS.Client.Core;
using NATS.Client.JetStream;

namespace Dixie.Bff.Infrastructure.Nats;

/// <summary>
/// What the rest of the service knows about NATS (spec 10 §1): the connection state, the JetStream
/// context signals are published through, a signal for "ready", and the health probe (spec 03 §3.2).
/// The state is driven by <see cref="NatsConnectionService"/>.
/// </summary>
public sealed class NatsStatus
{
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan ProbeFailureLogInterval = TimeSpan.FromSeconds(60);

    private readonly INatsConnection? connection;
    private readonly INatsJSContext? jetStream;
    private readonly TimeProvider timeProvider;
    private readonly ILogger logger;
    private readonly Lock gate = new();
    private NatsState state;
    private TaskCompletionSource ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long lastProbeFailureLog;

    internal NatsStatus(INatsConnection? connection, INatsJSContext? jetStream, TimeProvider timeProvider, ILogger<NatsStatus> logger)
    {
        this.connection = connection;
        this.jetStream = jetStream;
        this.timeProvider = timeProvider;
        this.logger = logger;
        state = connection is null ? NatsState.NotConfigured : NatsState.Connecting;
        NatsMetrics.ObserveConnectionState(() => State);
    }

    /// <summary>False when `NATS_URL` is unset: signals then stay in the outbox (spec 10 §3.6).</summary>
    public bool IsConfigured => connection is not null;

    public NatsState State
    {
        get
        {
            lock (gate)
            {
                return state;
            }
        }
    }

    /// <summary>The JetStream context of the one connection; throws when NATS is not configured.</summary>
    public INatsJSContext JetStream => jetStream ?? throw new InvalidOperationException("NATS is not configured (NATS_URL is unset)");

    /// <summary>
    /// Completes once the state is <see cref="NatsState.Ready"/>, at once if it already is. It never
    /// completes while NATS is unconfigured; the token ends the wait.
    /// </summary>
    public Task WaitUntilReadyAsync(CancellationToken cancellationToken)
    {
        lock (gate)
        {
            return ready.Task.WaitAsync(cancellationToken);
        }
    }

    internal void MoveTo(NatsState next) => TryMoveTo(next, expected: null);

    /// <summary>Changes the state, but only from <paramref name="expected"/> when that is given.</summary>
    internal bool TryMoveTo(NatsState next, NatsState? expected)
    {
        lock (gate)
        {
            if (state == NatsState.NotConfigured || (expected is { } from && state != from))
            {
                return false;
            }

            if (next == NatsState.Ready)
            {
                ready.TrySetResult();
            }
            else if (ready.Task.IsCompleted)
            {
                ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            state = next;
            return true;
        }
    }

    /// <summary>
    /// The `nats` entry of `/api/health`: the connection must be open (else `unreachable` at once), then
    /// a PING round trip and a JetStream account-info request, both within 2 s.
    /// </summary>
    public async Task<ProbeResult> ProbeAsync(CancellationToken cancellationToken)
    {
        if (connection is null || jetStream is null)
        {
            return ProbeResult.NotConfiguredResult;
        }

        var started = timeProvider.GetTimestamp();
        if (connection.ConnectionState != NatsConnectionState.Open)
        {
            return Failed(started, "NATS not connected", null);
        }

        using var timeout = new CancellationTokenSource(ProbeTimeout, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken);
        var askingJetStream = false;
        try
        {
            await connection.PingAsync(linked.Token);
            askingJetStream = true;
            await jetStream.GetAccountInfoAsync(linked.Token);
            return ProbeResult.Ok(timeProvider.GetElapsedTime(started));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e) when (timeout.IsCancellationRequested || e is TimeoutException)
        {
            return Failed(started, "NATS timed out", e);
        }
        catch (Exception e) when (askingJetStream)
        {
            return Failed(started, "JetStream unavailable", e);
        }
        catch (Exception e)
        {
            return Failed(started, "NATS not connected", e);
        }
    }

    private ProbeResult Failed(long started, string error, Exception? exception)
    {
        var now = timeProvider.GetTimestamp();
        var last = Interlocked.Read(ref lastProbeFailureLog);
        if ((last == 0 || timeProvider.GetElapsedTime(last, now) >= ProbeFailureLogInterval)
            && Interlocked.CompareExchange(ref lastProbeFailureLog, now, last) == last)
        {
            NatsLog.ProbeFailed(logger, "nats", error, exception);
        }

        return ProbeResult.Failed(timeProvider.GetElapsedTime(started, now), error);
    }
}
