using System.Text.Json.Nodes;
using Dapper;
using Dixie.Bff.Infrastructure.Configuration;
using Npgsql;

namespace Dixie.Bff.Features.Fleet;

/// <summary>
/// One acting monitor cycle (spec 07 §5, rules 1–7). "Stuck" means seen in two consecutive acting
/// cycles with the same version and the same condition, so a normal spawn or exit has a full interval.
/// </summary>
public sealed class FleetMonitorCycle(NpgsqlDataSource dataSource, FleetTransitions transitions, IAgentRunner runner,
    RunnerIdentity identity, DixieConfig config, TimeProvider clock, FleetLog log)
{
    private const string OwnSql = $"""
        SELECT {FleetTaskRow.Columns} FROM fleet_tasks
        WHERE left(runner_instance, length(@prefix)) = @prefix
          AND (status IN ('proposed','retrying','spawning','running') OR (process_pid IS NOT NULL AND process_ended_at IS NULL))
        """;

    private const string ForeignSql = $"""
        SELECT {FleetTaskRow.Columns} FROM fleet_tasks
        WHERE status IN ('spawning','running') AND runner_instance IS NOT NULL AND left(runner_instance, length(@prefix)) <> @prefix
          AND spawned_at + make_interval(mins => timeout_minutes) + make_interval(secs => @slack) < @now
        """;

    private const string EndedSql = "UPDATE fleet_tasks SET process_ended_at = @now WHERE id = @id AND process_ended_at IS NULL";

    private Dictionary<Guid, (int Version, string Condition)> previous = [];

    public async Task<FleetCycleSummary> RunAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var prefix = identity.HostId + "/";
        List<FleetTaskRow> own, foreign;
        await using (var connection = await dataSource.OpenConnectionAsync(ct))
        {
            own = (await connection.QueryAsync<FleetTaskRow>(new CommandDefinition(OwnSql, new { prefix }, cancellationToken: ct))).AsList();
            foreign = (await connection.QueryAsync<FleetTaskRow>(new CommandDefinition(ForeignSql,
                new { prefix, now = now.UtcDateTime, slack = 2.0 * config.Fleet.MonitorIntervalSeconds }, cancellationToken: ct))).AsList();
        }
        var tally = new Tally();
        var seen = new Dictionary<Guid, (int, string)>();
        foreach (var row in own)
        {
            try
            {
                await JudgeAsync(row, now, seen, tally, ct);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.MonitorTaskFailed(row.Id, e);
            }
        }
        foreach (var row in foreign)
        {
            var minutes = (long)(now - FleetTaskRow.Utc(row.SpawnedAt!.Value)).TotalMinutes;
            if (await FailAsync(row, "timeout", new JsonObject { ["timeoutMinutes"] = row.TimeoutMinutes, ["ageMinutes"] = minutes, ["foreignHost"] = true }, ct)) tally.Timeouts++;
        }
        previous = seen;
        return new FleetCycleSummary(true, own.Count + foreign.Count, tally.Exits, tally.Timeouts, tally.Dead, tally.Orphans, tally.Killed, 0);
    }

    private async Task JudgeAsync(FleetTaskRow row, DateTimeOffset now, Dictionary<Guid, (int, string)> seen, Tally tally, CancellationToken ct)
    {
        var process = row.LiveProcessRef;
        var alive = process is not null && runner.IsAlive(process);
        var grace = TimeSpan.FromSeconds(config.Fleet.StopGraceSeconds);
        // A retrying row is waiting for its launch like a proposed one (docs/adr/018).
        var awaitingLaunch = row.Status is FleetStatus.Proposed or FleetStatus.Retrying;
        var active = awaitingLaunch || FleetStatus.IsProcessBearing(row.Status);

        if (active && !identity.IsInstanceAlive(row.RunnerInstance))
        {
            if (alive) await runner.StopAsync(process!, grace);
            if (await FailAsync(row, "orphaned_on_reconcile", new JsonObject { ["processAlive"] = alive }, ct, process is null ? null : now)) tally.Orphans++;
            if (alive) tally.Killed++;
            return;
        }
        if (FleetStatus.IsProcessBearing(row.Status))
        {
            if (alive && row.SpawnedAt is { } spawned && FleetTaskRow.Utc(spawned).AddMinutes(row.TimeoutMinutes) < now)
            {
                var age = (long)(now - FleetTaskRow.Utc(spawned)).TotalMinutes;
                if (await FailAsync(row, "timeout", new JsonObject { ["timeoutMinutes"] = row.TimeoutMinutes, ["ageMinutes"] = age }, ct)) tally.Timeouts++;
                await runner.StopAsync(process!, grace);
                tally.Killed++;
            }
            else if ((row.ProcessPid is null || (!alive && row.ProcessEndedAt is null)) && Stuck(row, "dead", seen))
            {
                if (await FailAsync(row, "agent_died", null, ct)) tally.Dead++;
            }
            return;
        }
        if (awaitingLaunch && Stuck(row, "awaiting_launch", seen) && await FailAsync(row, "spawn_incomplete", null, ct))
        {
            tally.Dead++;
            return;
        }
        if (row.Status == FleetStatus.Proposed) return;
        // The task left spawning/running elsewhere (a cancel or a timeout) while its process lives on.
        if (alive)
        {
            await runner.StopAsync(process!, grace);
            tally.Killed++;
        }
        else if (row.ProcessPid is not null && row.ProcessEndedAt is null)
        {
            await using var connection = await dataSource.OpenConnectionAsync(ct);
            await connection.ExecuteAsync(new CommandDefinition(EndedSql, new { id = row.Id, now = now.UtcDateTime }, cancellationToken: ct));
            tally.Exits++;
        }
    }

    private bool Stuck(FleetTaskRow row, string condition, Dictionary<Guid, (int, string)> seen)
    {
        seen[row.Id] = (row.Version, condition);
        return previous.TryGetValue(row.Id, out var before) && before.Version == row.Version && before.Condition == condition;
    }

    private async Task<bool> FailAsync(FleetTaskRow row, string reason, JsonObject? detail, CancellationToken ct, DateTimeOffset? processEnded = null)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var moved = await transitions.MoveAsync(connection, transaction, row, FleetStatus.Failed,
            new FleetChange { Reason = reason, FailureDetail = detail, ProcessEndedAt = processEnded }, FleetActor.System, ct);
        await transaction.CommitAsync(ct);
        return moved is not null;
    }

    private sealed class Tally
    {
        public int Exits;
        public int Timeouts;
        public int Dead;
        public int Orphans;
        public int Killed;
    }
}
