namespace Dixie.Bff.Features.Allowlist;

/// <summary>
/// How the allowlist file is watched and written (spec 04 §5.3–§5.4). The defaults are the spec's;
/// tests register their own record to exercise one reload path alone or to shorten the lock wait.
/// </summary>
public sealed record AllowlistOptions
{
    /// <summary>A FileSystemWatcher on the file's directory.</summary>
    public bool WatchDirectory { get; init; } = true;

    /// <summary>The length and last-write-time check; null turns it off.</summary>
    public TimeSpan? PollInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Quiet time after the last watcher event before the file is read (editors write in steps).</summary>
    public TimeSpan Debounce { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>How long a write waits for the write locks before answering 503 `allowlist_busy`.</summary>
    public TimeSpan LockTimeout { get; init; } = TimeSpan.FromSeconds(5);
}
