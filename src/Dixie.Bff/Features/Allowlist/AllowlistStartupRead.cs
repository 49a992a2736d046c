namespace Dixie.Bff.Features.Allowlist;

/// <summary>
/// The file as read before the host is built (spec 04 §5.2). A missing file is an empty list; a
/// malformed or unreadable one stops startup with <see cref="InvalidAllowlistFileException"/>.
/// </summary>
public sealed record AllowlistStartupRead(AllowlistRead Read, FileStamp Stamp)
{
    public static AllowlistStartupRead FromFile(string path)
    {
        // The stamp before the read: a write landing during the read is seen by the first check.
        var stamp = FileStamp.Of(path);
        var read = AllowlistFile.Read(path);
        if (read is AllowlistRead.Malformed malformed) throw new InvalidAllowlistFileException(path, malformed.Reason);
        return new AllowlistStartupRead(read, stamp);
    }
}

/// <summary>The process refuses to start: an access-control file that cannot be read is not silently "nobody".</summary>
public sealed class InvalidAllowlistFileException(string path, string reason)
    : Exception($"dixie-bff: invalid allowlist file {path}: {reason}")
{
    public string Path { get; } = path;
    public string Reason { get; } = reason;
}

/// <summary>Length and last-write time of the file, or its absence: what the periodic check compares.</summary>
public sealed record FileStamp(bool Exists, long Length, DateTime LastWriteUtc)
{
    public static FileStamp Of(string path)
    {
        try
        {
            var info = new FileInfo(path);
            return info.Exists ? new FileStamp(true, info.Length, info.LastWriteTimeUtc) : Absent;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Absent;
        }
    }

    private static readonly FileStamp Absent = new(false, 0, default);
}
