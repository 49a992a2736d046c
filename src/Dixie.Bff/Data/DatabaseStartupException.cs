namespace Dixie.Bff.Data;

/// <summary>
/// The database startup failed (spec 09 §2.3): connection, lock or migration. The critical line has
/// already been logged; <see cref="Exception.Message"/> is that line's complete sentence and
/// <see cref="EventName"/> its event. The process exits with <see cref="ExitCode"/>.
/// </summary>
public sealed class DatabaseStartupException(string eventName, string message, Exception? innerException = null)
    : Exception(message, innerException)
{
    /// <summary>Exit code 3 always means "database startup failure" (spec 01).</summary>
    public const int ExitCode = 3;

    /// <summary>`database_unavailable`, `migration_lock_timeout` or `migration_error`.</summary>
    public string EventName { get; } = eventName;
}
