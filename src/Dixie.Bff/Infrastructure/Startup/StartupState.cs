namespace Dixie.Bff.Infrastructure.Startup;

/// <summary>
/// Where the process is in its life (spec 09 §2.3): the gate stays closed until migrations have
/// completed; readiness turns false as soon as shutdown begins.
/// </summary>
public sealed class StartupState
{
    private readonly TaskCompletionSource _migrated = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool _shuttingDown;

    public DateTimeOffset StartedAt { get; } = DateTimeOffset.UtcNow;

    public bool IsMigrated => _migrated.Task.IsCompletedSuccessfully;

    public bool IsShuttingDown => _shuttingDown;

    /// <summary>Background services that touch the database await this instead of polling.</summary>
    public Task Migrated => _migrated.Task;

    /// <summary>Exit code of the process: 3 after a database startup failure (spec 01 §6).</summary>
    public int ExitCode { get; private set; }

    public void MarkMigrated() => _migrated.TrySetResult();

    public void MarkShuttingDown() => _shuttingDown = true;

    public void MarkDatabaseStartupFailed()
    {
        ExitCode = 3;
        _migrated.TrySetCanceled();
    }
}
