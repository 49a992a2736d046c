using System.Text.Json;
using System.Text.Json.Nodes;
using Npgsql;

namespace Dixie.Bff.Features.Fleet;

/// <summary>
/// Takes an admitted (proposed) or retrying task through spawning to running (spec 07 §3.4 step 7,
/// §3.10 step 3): the spawning move commits before the process starts, so a crash in between leaves a
/// row the monitor can judge; a runner failure ends in failed `spawn_failed`.
/// A launch does not follow the request's cancellation: once admitted, a client that hangs up must not
/// leave a row holding a slot, or an agent running whose pid was never recorded.
/// </summary>
public sealed class FleetLauncher(NpgsqlDataSource dataSource, FleetTransitions transitions, IAgentRunner runner,
    TimeProvider clock, FleetLog log)
{
    /// <summary>The running row, or the failed row with <c>Started = false</c> when the runner could not start it.</summary>
    public async Task<(FleetTaskRow Row, bool Started)> LaunchAsync(FleetTaskRow row, FleetActor actor, string? tier, string? routingReason)
    {
        var spawning = await MoveAsync(row, FleetStatus.Spawning, FleetChange.None, actor)
            ?? throw new FleetConflictException(row, FleetConflictException.Stale(row.Id));
        StartedAgent started;
        try
        {
            started = await runner.StartAsync(Launch(spawning), CancellationToken.None);
        }
        catch (AgentStartException failure)
        {
            log.SpawnFailed(row.Id, failure);
            var failed = await MoveAsync(spawning, FleetStatus.Failed, new FleetChange
            {
                Reason = "spawn_failed",
                FailureDetail = new JsonObject { ["message"] = failure.Message },
            }, actor);
            return (failed ?? spawning, false);
        }

        FleetTaskRow? running;
        try
        {
            running = await MoveAsync(spawning, FleetStatus.Running, new FleetChange
            {
                Process = started.Process, SpawnedAt = clock.GetUtcNow(), WorktreePath = started.WorkDir, LogPath = started.LogPath,
                Tier = tier, RoutingReason = routingReason,
            }, actor);
        }
        catch
        {
            // The process cannot be recorded (database or audit unavailable): an agent nobody tracks
            // would outlive its row, so it stops; the monitor fails the pid-less spawning row.
            await runner.StopAsync(started.Process, TimeSpan.FromSeconds(1));
            throw;
        }
        // Only the monitor can have moved it meanwhile (it judged the task stuck); the process then has no row to report to.
        if (running is null)
        {
            await runner.StopAsync(started.Process, TimeSpan.FromSeconds(1));
            throw new FleetConflictException(spawning, FleetConflictException.Stale(row.Id));
        }
        return (running, true);
    }

    public static TaskLaunch Launch(FleetTaskRow row) => new(row.Id, row.TaskType, row.Description, row.Model, row.AgentType,
        row.Repository, row.BaseBranch, row.Branch,
        row.ContextOverrides is null ? null : JsonSerializer.Deserialize(row.ContextOverrides, FleetJson.Default.DictionaryStringString),
        row.TimeoutMinutes, row.RetryCount);

    private async Task<FleetTaskRow?> MoveAsync(FleetTaskRow row, string to, FleetChange change, FleetActor actor)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        var moved = await transitions.MoveAsync(connection, transaction, row, to, change, actor, CancellationToken.None);
        await transaction.CommitAsync();
        return moved;
    }
}

/// <summary>An illegal or stale move, answered as 409 with the task's current status (spec 07 §3.3).</summary>
public sealed class FleetConflictException(FleetTaskRow row, string message) : Exception(message)
{
    public FleetTaskRow Row { get; } = row;

    public static string Stale(Guid id) => $"Task {id} was modified concurrently; reload and retry";

    public static string Illegal(Guid id, string from, string to) => $"Cannot move task {id} from {from} to {to}";
}
