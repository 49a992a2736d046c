namespace Dixie.Bff.Data;

/// <summary>
/// Timeouts of the database startup (spec 09 §2.3, §3.3). The defaults are the specified values;
/// tests shorten them and may add extra migration files (for example one that fails halfway).
/// </summary>
public sealed record MigrationRunnerOptions
{
    /// <summary>How long transient connection failures are retried, from the first attempt.</summary>
    public TimeSpan ConnectBudget { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The first retry delay; it doubles up to <see cref="ConnectMaxDelay"/>.</summary>
    public TimeSpan ConnectInitialDelay { get; init; } = TimeSpan.FromMilliseconds(500);

    public TimeSpan ConnectMaxDelay { get; init; } = TimeSpan.FromSeconds(4);

    /// <summary>`lock_timeout` of the migration connection: bounds the advisory lock wait and every DDL lock.</summary>
    public TimeSpan LockTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Command timeout of one migration file.</summary>
    public TimeSpan FileTimeout { get; init; } = TimeSpan.FromSeconds(600);

    /// <summary>Files added to the embedded ones, as if they were embedded.</summary>
    public IReadOnlyList<MigrationFile> ExtraFiles { get; init; } = [];
}
