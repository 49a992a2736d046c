using System.Security.Cryptography;

namespace Dixie.Bff.Features.Allowlist;

/// <summary>What one read of the allowlist file gave.</summary>
public abstract record AllowlistRead
{
    public sealed record Missing : AllowlistRead;

    /// <summary>Malformed or unreadable; the reason never quotes the file (it can hold API keys).</summary>
    public sealed record Malformed(string Reason) : AllowlistRead;

    /// <param name="ContentHash">Lower-case hex SHA-256 of <paramref name="Bytes"/>.</param>
    public sealed record Valid(AllowlistDocument Document, byte[] Bytes, string ContentHash) : AllowlistRead;
}

/// <summary>Reading and replacing the allowlist file (spec 04 §5.1, §5.4).</summary>
public static class AllowlistFile
{
    private const UnixFileMode NewFileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    public static AllowlistRead Read(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return new AllowlistRead.Missing();
        }
        catch (UnauthorizedAccessException)
        {
            return new AllowlistRead.Malformed("the file cannot be read (permission denied)");
        }
        catch (IOException e)
        {
            return new AllowlistRead.Malformed($"the file cannot be read ({e.GetType().Name})");
        }
        return AllowlistDocument.TryParse(bytes, out var document, out var reason)
            ? new AllowlistRead.Valid(document, bytes, ContentHash(bytes))
            : new AllowlistRead.Malformed(reason);
    }

    public static string ContentHash(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    /// <summary>
    /// Replaces the file in one step: `&lt;path&gt;.&lt;random&gt;.tmp` in the same directory, flushed to disk,
    /// then renamed over the file, so a reader sees the old or the new content and never a partial
    /// one. A new file gets mode 0600; an existing file keeps its mode.
    /// </summary>
    public static void Replace(string path, ReadOnlySpan<byte> content)
    {
        var temp = $"{path}.{RandomNumberGenerator.GetHexString(16, lowercase: true)}.tmp";
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        UnixFileMode? mode = null;
        if (!OperatingSystem.IsWindows())
        {
            mode = File.Exists(path) ? File.GetUnixFileMode(path) : NewFileMode;
            options.UnixCreateMode = mode.Value;
        }
        try
        {
            using (var stream = new FileStream(temp, options))
            {
                stream.Write(content);
                stream.Flush(flushToDisk: true);
            }
            // The process umask may have narrowed the mode at creation.
            if (mode is { } exact && !OperatingSystem.IsWindows()) File.SetUnixFileMode(temp, exact);
            File.Move(temp, path, overwrite: true);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    /// <summary>
    /// Puts back what <see cref="Read"/> saw before a change: the old bytes, or, when there was no file,
    /// an empty list. Deleting the file instead would leave instances that already reloaded the change
    /// holding it, because a file that disappears keeps the last good list (spec 04 §5.2); an empty
    /// list is what a missing file means at start.
    /// </summary>
    public static void Restore(string path, byte[]? previous) =>
        Replace(path, previous ?? AllowlistDocument.Empty().Serialize());

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // A leftover temp file is harmless: it never has the allowlist's name.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
