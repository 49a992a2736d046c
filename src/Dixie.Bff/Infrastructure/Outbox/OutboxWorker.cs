using System.Threading.Channels;
using Dixie.Bff.Infrastructure.Nats;
using Dixie.Bff.Infrastructure.Startup;
using Npgsql;

namespace Dixie.Bff.Infrastructure.Outbox;

/// <summary>
/// Publishes the outbox to JetStream (spec 10 §3), one per instance. It starts once migrations are done,
/// runs a cycle on every notification (after a short settle) and on every poll tick, and collapses wake-ups
/// that arrive during a cycle into exactly one further cycle. Cleanup, the backlog log and the metrics snapshot run here too.
/// </summary>
public sealed class OutboxWorker : BackgroundService
{
    private readonly Channel<bool> wakeups = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly NpgsqlDataSource dataSource;
    private readonly NatsStatus nats;
    private readonly StartupState startup;
    private readonly OutboxOptions options;
    private readonly TimeProvider clock;
    private readonly ILogger<OutboxWorker> logger;
    private readonly OutboxListener listener;
    private long lastRefresh;
    private long lastBacklogLog;
    private long cycles;

    internal OutboxWorker(NpgsqlDataSource dataSource, NatsStatus nats, StartupState startup, OutboxOptions options,
        string databaseConnectionString, TimeProvider clock, ILoggerFactory loggerFactory)
    {
        this.dataSource = dataSource;
        this.nats = nats;
        this.startup = startup;
        this.options = options;
        this.clock = clock;
        logger = loggerFactory.CreateLogger<OutboxWorker>();
        Publisher = new OutboxPublisher(dataSource, nats, options, loggerFactory.CreateLogger<OutboxPublisher>());
        listener = new OutboxListener(OutboxListener.ConnectionString(databaseConnectionString), options, Wake, clock, logger);
    }

    internal OutboxPublisher Publisher { get; }

    /// <summary>This worker's last pending count and lag; the gauges report the latest worker's snapshot.</summary>
    internal OutboxSnapshot Snapshot { get; private set; } = new(0, 0);

    /// <summary>Cycles run so far, skipped ones included.</summary>
    internal long Cycles => Interlocked.Read(ref cycles);

    /// <summary>Asks for a cycle; any number of calls during a cycle yield one more.</summary>
    internal void Wake() => wakeups.Writer.TryWrite(true);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            // Cancelled as well when the database startup failed; the host is stopping then.
            await startup.Migrated.WaitAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        var listening = listener.RunAsync(stoppingToken);
        var cleaning = RunCleanupAsync(stoppingToken);
        try
        {
            await RunCyclesAsync(stoppingToken);
        }
        finally
        {
            await Task.WhenAll(listening, cleaning);
        }
    }

    private async Task RunCyclesAsync(CancellationToken stoppingToken)
    {
        await RefreshSnapshotAsync(force: true);
        LogBacklogIfDue();
        while (!stoppingToken.IsCancellationRequested)
        {
            OutboxCycle cycle;
            do
            {
                cycle = await Publisher.RunCycleAsync(stoppingToken);
                Interlocked.Increment(ref cycles);
            }
            while (cycle.Full && !stoppingToken.IsCancellationRequested);

            await RefreshSnapshotAsync(force: false);
            LogBacklogIfDue();
            await WaitForWakeUpAsync(stoppingToken);
        }
    }

    private async Task WaitForWakeUpAsync(CancellationToken stoppingToken)
    {
        using var tick = new CancellationTokenSource(options.PollInterval, clock);
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(tick.Token, stoppingToken);
        try
        {
            await wakeups.Reader.WaitToReadAsync(wait.Token);
            // A pause rather than a due time, so it runs on real time even under a test's clock.
            await Task.Delay(options.NotifySettle, stoppingToken);
        }
        catch (OperationCanceledException)
        {
            // A poll tick, or shutdown (the loop condition sees it).
        }
        wakeups.Reader.TryRead(out _);
    }

    // After each cycle, at most every 5 s: the gauges only ever read this snapshot (spec 10 §3.7).
    private async Task RefreshSnapshotAsync(bool force)
    {
        var now = clock.GetTimestamp();
        if (!force && clock.GetElapsedTime(lastRefresh, now) < options.MetricsRefreshInterval) return;
        lastRefresh = now;
        try
        {
            Snapshot = await OutboxBacklog.ReadAsync(dataSource);
            OutboxMetrics.Update(Snapshot);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException)
        {
            // The cycle reports database trouble; the gauges keep their last value.
        }
    }

    // Without NATS rows only accumulate; say so at startup and hourly while any are pending (spec 10 §3.6).
    private void LogBacklogIfDue()
    {
        if (nats.IsConfigured) return;
        var snapshot = Snapshot;
        var now = clock.GetTimestamp();
        if (snapshot.Pending == 0 || (lastBacklogLog != 0 && clock.GetElapsedTime(lastBacklogLog, now) < options.BacklogLogInterval)) return;
        lastBacklogLog = now;
        OutboxLog.Backlog(logger, snapshot.Pending, Math.Round(snapshot.LagSeconds, 3));
    }

    private async Task RunCleanupAsync(CancellationToken stoppingToken)
    {
        try
        {
            await Task.Delay(options.CleanupFirstDelay, clock, stoppingToken);
            while (true)
            {
                try
                {
                    var deleted = await OutboxCleanup.DeletePublishedAsync(dataSource, options, stoppingToken);
                    if (deleted > 0) OutboxLog.Cleanup(logger, deleted);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    OutboxFailureLog.CleanupFailed(logger, e.GetType().Name, e);
                }
                await Task.Delay(options.CleanupInterval, clock, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
