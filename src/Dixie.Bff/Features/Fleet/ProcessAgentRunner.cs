using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Dixie.Bff.Infrastructure.Configuration;

namespace Dixie.Bff.Features.Fleet;

/// <summary>
/// The product's agent runner (spec 07 §4): the argv template started directly (never through a
/// shell) in a fresh attempt directory, with a clean environment, its output drained into a redacted
/// log, and an exit reported once both streams reach EOF.
/// </summary>
public sealed class ProcessAgentRunner(DixieConfig config, AgentExitQueue exits, FleetLog log) : IAgentRunner
{
    private static readonly TimeSpan DrainBound = TimeSpan.FromSeconds(5);
    private readonly FleetSettings settings = config.Fleet;
    private readonly ConcurrentDictionary<Guid, ProcessRef> running = new();

    public bool IsConfigured => settings.AgentCommand.Count > 0;

    public IReadOnlyCollection<(Guid TaskId, ProcessRef Process)> Running => [.. running.Select(p => (p.Key, p.Value))];

    public async Task<StartedAgent> StartAsync(TaskLaunch launch, CancellationToken ct)
    {
        if (!IsConfigured) throw new AgentStartException("no agent command is configured");
        var workDir = Path.Combine(settings.WorkDir, launch.Id.ToString("D"), $"attempt-{launch.Attempt}");
        var logPath = Path.Combine(workDir, "agent.log");
        try
        {
            CreatePrivateDirectory(workDir);
            CreatePrivateDirectory(Path.Combine(workDir, "tmp"));
            await File.WriteAllBytesAsync(Path.Combine(workDir, "task.json"), JsonSerializer.SerializeToUtf8Bytes(launch, FleetJson.Default.TaskLaunch), ct);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new AgentStartException("the attempt directory could not be prepared", e);
        }

        var info = StartInfo(launch, workDir);
        var passthrough = settings.AgentEnv.Select(Environment.GetEnvironmentVariable).OfType<string>().ToList();
        var logFile = new AgentLogFile(logPath, passthrough);
        Process process;
        try
        {
            process = Process.Start(info) ?? throw new AgentStartException("the process did not start");
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException or IOException)
        {
            logFile.Dispose();
            throw new AgentStartException($"{settings.AgentCommand[0]} could not be started", e);
        }

        // The OS start time, not our clock: it is what the recycled-pid guard compares with.
        var started = ProcStat.Read(process.Id)?.StartedAt ?? DateTimeOffset.UtcNow;
        var reference = new ProcessRef(process.Id, started);
        running[launch.Id] = reference;
        _ = WatchAsync(launch.Id, process, reference, logFile, workDir);
        return new StartedAgent(reference, workDir, logPath);
    }

    // 0700: the attempt holds the task description and the agent's output.
    private static void CreatePrivateDirectory(string path)
    {
        if (OperatingSystem.IsWindows()) Directory.CreateDirectory(path);
        else Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    public bool IsAlive(ProcessRef process) => ProcStat.IsAlive(process.Pid, process.StartedAt);

    public Task StopAsync(ProcessRef process, TimeSpan grace) => ProcessTree.StopAsync(process, grace);

    private ProcessStartInfo StartInfo(TaskLaunch launch, string workDir)
    {
        var info = new ProcessStartInfo
        {
            FileName = Substitute(settings.AgentCommand[0], launch, workDir),
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
            WorkingDirectory = workDir,
        };
        foreach (var argument in settings.AgentCommand.Skip(1)) info.ArgumentList.Add(Substitute(argument, launch, workDir));

        // A clean environment: the service's secrets are never inherited (spec 07 §4.2).
        info.Environment.Clear();
        info.Environment["PATH"] = Environment.GetEnvironmentVariable("PATH") ?? "/usr/local/bin:/usr/bin:/bin";
        info.Environment["LANG"] = "C.UTF-8";
        info.Environment["TZ"] = "UTC";
        info.Environment["HOME"] = workDir;
        info.Environment["TMPDIR"] = Path.Combine(workDir, "tmp");
        info.Environment["DIXIE_TASK_ID"] = launch.Id.ToString("D");
        info.Environment["DIXIE_TASK_TYPE"] = launch.TaskType;
        info.Environment["DIXIE_TASK_DESCRIPTION"] = launch.Description;
        info.Environment["DIXIE_TASK_MODEL"] = launch.Model;
        info.Environment["DIXIE_TASK_REPOSITORY"] = launch.Repository ?? "";
        if (launch.BaseBranch is not null) info.Environment["DIXIE_TASK_BASE_BRANCH"] = launch.BaseBranch;
        info.Environment["DIXIE_TASK_BRANCH"] = launch.Branch;
        info.Environment["DIXIE_TASK_AGENT_TYPE"] = launch.AgentType;
        info.Environment["DIXIE_TASK_ATTEMPT"] = launch.Attempt.ToString(System.Globalization.CultureInfo.InvariantCulture);
        foreach (var name in settings.AgentEnv)
        {
            if (Environment.GetEnvironmentVariable(name) is { } value) info.Environment[name] = value;
        }
        return info;
    }

    private static string Substitute(string element, TaskLaunch launch, string workDir) => element
        .Replace("{taskId}", launch.Id.ToString("D"), StringComparison.Ordinal)
        .Replace("{taskType}", launch.TaskType, StringComparison.Ordinal)
        .Replace("{model}", launch.Model, StringComparison.Ordinal)
        .Replace("{workDir}", workDir, StringComparison.Ordinal);

    private async Task WatchAsync(Guid taskId, Process process, ProcessRef reference, AgentLogFile logFile, string workDir)
    {
        try
        {
            var pumps = Task.WhenAll(logFile.PumpAsync(process.StandardOutput), logFile.PumpAsync(process.StandardError));
            await process.WaitForExitAsync();
            // A grandchild that keeps the pipes open must not hold the exit back for ever.
            await Task.WhenAny(pumps, Task.Delay(DrainBound));
            var exitCode = process.ExitCode;
            running.TryRemove(taskId, out _);
            exits.Publish(new AgentExit(taskId, reference, exitCode, workDir));
        }
        catch (Exception e)
        {
            log.RunnerFailed(taskId, e);
        }
        finally
        {
            logFile.Dispose();
            process.Dispose();
        }
    }
}
