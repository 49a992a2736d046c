namespace Dixie.Bff.Features.Allowlist;

/// <summary>
/// The cross-process write lock of spec 04 §5.4: `&lt;path&gt;.lock` opened with FileShare.None, which
/// .NET takes as an exclusive advisory lock (flock) on Unix, so instances sharing the file (same
/// host or a shared volume) change it one at a time. The lock file itself is never deleted:
/// deleting it would let a waiter lock an unlinked inode while a newcomer locks a fresh one.
/// </summary>
public sealed class AllowlistFileLock : IDisposable
{
    private static readonly TimeSpan RetryInterval = TimeSpan.FromMilliseconds(20);

    private readonly FileStream _stream;

    private AllowlistFileLock(FileStream stream) => _stream = stream;

    /// <summary>The lock, or null when another writer still held it at <paramref name="deadline"/>.</summary>
    public static async Task<AllowlistFileLock?> TryAcquireAsync(string allowlistPath, DateTimeOffset deadline, CancellationToken ct)
    {
        var options = new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.ReadWrite, Share = FileShare.None };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        while (true)
        {
            try
            {
                return new AllowlistFileLock(new FileStream(allowlistPath + ".lock", options));
            }
            catch (IOException e) when (e is not (DirectoryNotFoundException or FileNotFoundException))
            {
                // Held by another writer. Real time, not the injected clock: this is a wait, not a rule.
                if (TimeProvider.System.GetUtcNow() >= deadline) return null;
                await Task.Delay(RetryInterval, ct);
            }
        }
    }

    public void Dispose() => _stream.Dispose();
}
