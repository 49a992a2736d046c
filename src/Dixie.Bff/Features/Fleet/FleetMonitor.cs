using System.Diagnostics;
using Dapper;
using Dixie.Bff.Infrastructure.Configuration;
using Dixie.Bff.Infrastructure.Postgres;
using Dixie.Bff.Infrastructure.Startup;
using Npgsql;

namespace Dixie.Bff.Features.Fleet;

/// <summary>
/// Watches this host's agent processes (spec 07 §5): a reconcile cycle at startup, then one every
/// interval. Cycles never overlap, and on one host only the instance holding the monitor lock acts
/// (ADR 009). On shutdown the instance fails and stops the agents it started (§4.6).
/// </summary>
public sealed class FleetMonitor(NpgsqlDataSource dataSource, FleetMonitorCycle cycle, IAgentRunner runner, FleetTransitions transitions,
    RunnerIdentity identity, DixieConfig config, StartupState startup, FleetLog log) : BackgroundService
{
    private static readonly TimeSpan ShutdownBound = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan GaugeRefresh = TimeSpan.FromSeconds(30);
    private const string CountsSql = "SELECT status AS Status, count(*) AS Count FROM fleet_tasks GROUP BY status";
    private NpgsqlConnection? leadership;
    private DateTime countsRefreshedAt = DateTime.MinValue;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await startup.Migrated.WaitAsync(stoppingToken);
            using var timer = new PeriodicTimer(TimeSpan.FromSeconds(config.Fleet.MonitorIntervalSeconds));
            var reconcile = true;
            do
            {
                await RunCycleAsync(reconcile, stoppingToken);
                reconcile = false;
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            if (leadership is not null) await leadership.DisposeAsync();
        }
    }

    private async Task RunCycleAsync(bool reconcile, CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        FleetCycleSummary summary;
        try
        {
            summary = await HoldsLeadershipAsync(ct)
                ? await cycle.RunAsync(ct) with { DurationMs = watch.ElapsedMilliseconds }
                : new FleetCycleSummary(false, 0, 0, 0, 0, 0, 0, watch.ElapsedMilliseconds);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            // The database is away: this cycle is skipped and the lock is re-taken on the next one.
            if (leadership is not null) await leadership.DisposeAsync();
            leadership = null;
            summary = new FleetCycleSummary(false, 0, 0, 0, 0, 0, 0, watch.ElapsedMilliseconds);
        }
        FleetMetrics.CountCycle(summary.Acted);
        log.Cycle(summary);
        if (reconcile && summary.Acted) log.Reconcile(summary.Orphans, 0);
        await RefreshGaugeAsync(ct);
    }

    // Every instance refreshes, so the database-wide gauge reads the same on each of them (spec 10 §6).
    private async Task RefreshGaugeAsync(CancellationToken ct)
    {
        if (DateTime.UtcNow - countsRefreshedAt < GaugeRefresh) return;
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync(ct);
            var rows = await connection.QueryAsync<(string Status, long Count)>(new CommandDefinition(CountsSql, cancellationToken: ct));
            FleetMetrics.StoreTaskCounts(rows.ToDictionary(r => r.Status, r => r.Count));
            countsRefreshedAt = DateTime.UtcNow;
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            // The gauge keeps its last values; the next cycle tries again.
        }
    }

    /// <summary>
    /// The session lock on the host's monitor key, kept on a dedicated connection: while this instance
    /// holds it, it is the one acting monitor on the host.
    /// </summary>
    private async Task<bool> HoldsLeadershipAsync(CancellationToken ct)
    {
        if (leadership is not null)
        {
            await leadership.ExecuteScalarAsync<int>(new CommandDefinition("SELECT 1", cancellationToken: ct));
            return true;
        }
        // Unpooled: a session lock must end with its connection, never ride back into the pool (ADR-016).
        var connection = new NpgsqlConnection(PostgresConnectionStrings.Unpooled(config.Data.DatabaseConnectionString));
        var acquired = false;
        try
        {
            await connection.OpenAsync(ct);
            acquired = await connection.ExecuteScalarAsync<bool>(new CommandDefinition("SELECT pg_try_advisory_lock(@key)",
                new { key = FleetHashes.MonitorLockKey(identity.HostId) }, cancellationToken: ct));
        }
        finally
        {
            if (acquired) leadership = connection;
            else await connection.DisposeAsync();
        }
        return acquired;
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bound.CancelAfter(ShutdownBound);
        var started = runner.Running.ToList();
        try
        {
            foreach (var (taskId, _) in started) await FailOnShutdownAsync(taskId, bound.Token);
        }
        catch (Exception e) when (e is NpgsqlException or OperationCanceledException)
        {
            // The processes are stopped below in any case; the next reconcile fails what is left.
        }
        await Task.WhenAll(started.Select(p => runner.StopAsync(p.Process, TimeSpan.FromSeconds(3))));
        await base.StopAsync(cancellationToken);
    }

    private async Task FailOnShutdownAsync(Guid taskId, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        if (await FleetStore.FindAsync(connection, transaction, taskId, null, ct) is { } row && FleetStatus.IsProcessBearing(row.Status))
        {
            await transitions.MoveAsync(connection, transaction, row, FleetStatus.Failed, new FleetChange { Reason = "instance_shutdown" }, FleetActor.System, ct);
        }
        await transaction.CommitAsync(ct);
    }
}
