using System.Text.Json.Serialization;

namespace Dixie.Bff.Features.Fleet;

/// <summary>A started process: the pid and the OS start time that guards against a recycled pid.</summary>
public sealed record ProcessRef(int Pid, DateTimeOffset StartedAt);

/// <summary>Everything an attempt needs to start; the contents of `task.json` (spec 07 §4.3).</summary>
public sealed record TaskLaunch(
    [property: JsonPropertyName("id")] Guid Id,
    [property: JsonPropertyName("taskType")] string TaskType,
    [property: JsonPropertyName("description")] string Description,
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("agentType")] string AgentType,
    [property: JsonPropertyName("repository")] string? Repository,
    [property: JsonPropertyName("baseBranch")] string? BaseBranch,
    [property: JsonPropertyName("branch")] string Branch,
    [property: JsonPropertyName("contextOverrides")] IReadOnlyDictionary<string, string>? ContextOverrides,
    [property: JsonPropertyName("timeoutMinutes")] int TimeoutMinutes,
    [property: JsonPropertyName("attempt")] int Attempt);

/// <summary>Where an attempt runs and logs.</summary>
public sealed record StartedAgent(ProcessRef Process, string WorkDir, string LogPath);

/// <summary>A process this instance started has ended and both its output streams are drained.</summary>
public sealed record AgentExit(Guid TaskId, ProcessRef Process, int ExitCode, string WorkDir);

/// <summary>The agent could not be started (spec 07 §3.4 step 7).</summary>
public sealed class AgentStartException(string reason, Exception? inner = null) : Exception(reason, inner);

/// <summary>
/// Runs agents as local processes (spec 07 §4). The product ships one implementation,
/// <see cref="ProcessAgentRunner"/>; tests may substitute another.
/// </summary>
public interface IAgentRunner
{
    /// <summary>False when no agent command is configured (spawn and retry then answer 503).</summary>
    bool IsConfigured { get; }

    /// <exception cref="AgentStartException">The process could not be started.</exception>
    Task<StartedAgent> StartAsync(TaskLaunch launch, CancellationToken ct);

    /// <summary>The pid exists, is no zombie and started at <see cref="ProcessRef.StartedAt"/> (±1 s).</summary>
    bool IsAlive(ProcessRef process);

    /// <summary>SIGTERM to the tree, SIGKILL to what is left after <paramref name="grace"/>.</summary>
    Task StopAsync(ProcessRef process, TimeSpan grace);

    /// <summary>The processes this instance started and that have not exited yet.</summary>
    IReadOnlyCollection<(Guid TaskId, ProcessRef Process)> Running { get; }
}
