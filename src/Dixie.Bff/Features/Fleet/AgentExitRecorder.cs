using System.Text.Json.Nodes;
using Dapper;
using Dixie.Bff.Features.Governance.Audit;
using Dixie.Bff.Infrastructure.Startup;
using Npgsql;

namespace Dixie.Bff.Features.Fleet;

/// <summary>
/// Applies the exits of processes this instance started (spec 07 §4.4) as soon as the runner reports
/// them: the outcome while the task is running, otherwise only the end of the process.
/// </summary>
public sealed class AgentExitRecorder(AgentExitQueue exits, NpgsqlDataSource dataSource, FleetTransitions transitions,
    AuditTrail audit, TimeProvider clock, StartupState startup, FleetLog log) : BackgroundService
{
    private const string EndedSql = """
        UPDATE fleet_tasks SET process_ended_at = @now, exit_code = @exitCode
        WHERE id = @id AND process_pid = @pid AND process_ended_at IS NULL
        """;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await startup.Migrated.WaitAsync(stoppingToken);
        }
        catch (TaskCanceledException)
        {
            return;
        }
        await foreach (var exit in exits.ReadAllAsync(stoppingToken))
        {
            try
            {
                await ApplyAsync(exit, stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.MonitorTaskFailed(exit.TaskId, e);
            }
        }
    }

    public async Task ApplyAsync(AgentExit exit, CancellationToken ct)
    {
        // The exit can beat the spawning → running commit; it is recorded after it, in order.
        for (var attempt = 0; attempt < 50; attempt++)
        {
            await using var connection = await dataSource.OpenConnectionAsync(ct);
            await using var transaction = await connection.BeginTransactionAsync(ct);
            var row = await FleetStore.FindAsync(connection, transaction, exit.TaskId, null, ct);
            if (row is null) return;
            if (row.Status == FleetStatus.Spawning)
            {
                await transaction.RollbackAsync(ct);
                await Task.Delay(TimeSpan.FromMilliseconds(100), ct);
                continue;
            }
            if (row.ProcessPid != exit.Process.Pid) return;
            var now = clock.GetUtcNow();
            if (row.Status == FleetStatus.Running)
            {
                var (to, change) = Outcome(exit, row.Id);
                await transitions.MoveAsync(connection, transaction, row, to, change with { ProcessEndedAt = now, ExitCode = exit.ExitCode }, FleetActor.System, ct);
            }
            else if (await connection.ExecuteAsync(new CommandDefinition(EndedSql,
                new { id = row.Id, pid = exit.Process.Pid, now = now.UtcDateTime, exitCode = exit.ExitCode }, transaction, cancellationToken: ct)) == 1)
            {
                await audit.AppendAsync(connection, transaction, FleetTransitions.ResourceType, "fleet.task.process_exited", FleetActor.System.AuditId,
                    new JsonObject { ["task_id"] = row.Id.ToString("D"), ["operator"] = row.OperatorId, ["exitCode"] = exit.ExitCode }, ct);
            }
            await transaction.CommitAsync(ct);
            return;
        }
    }

    private (string To, FleetChange Change) Outcome(AgentExit exit, Guid taskId)
    {
        if (exit.ExitCode != 0)
        {
            return (FleetStatus.Failed, new FleetChange { Reason = "exit", ExitCode = exit.ExitCode, FailureDetail = new JsonObject { ["exitCode"] = exit.ExitCode } });
        }
        var (result, problem) = AgentResult.Read(Path.Combine(exit.WorkDir, "result.json"));
        if (problem is not null) log.ResultInvalid(taskId, problem);
        return result is null
            ? (FleetStatus.Completed, FleetChange.None)
            : (FleetStatus.PrCreated, new FleetChange { PrNumber = result.PrNumber, Url = result.Url, Result = result.Json });
    }
}
