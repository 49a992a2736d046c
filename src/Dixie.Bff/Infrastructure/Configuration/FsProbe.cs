namespace Dixie.Bff.Infrastructure.Configuration;

/// <summary>The "(fs)" checks of spec 01 §3: the only I/O the loader does.</summary>
internal static class FsProbe
{
    /// <summary>Writes and deletes a probe file, the only reliable answer (permissions, ACLs, read-only mounts).</summary>
    public static bool IsWritableDirectory(string directory)
    {
        try
        {
            var probe = Path.Combine(directory, $".dixie-write-probe-{Guid.NewGuid():N}");
            File.WriteAllBytes(probe, []);
            File.Delete(probe);
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>Creates the directory when missing and checks it is writable.</summary>
    public static bool EnsureWritableDirectory(string directory)
    {
        try
        {
            Directory.CreateDirectory(directory);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
        return IsWritableDirectory(directory);
    }

    /// <summary>
    /// Resolves a program as `execve` would: a name with a `/` is a path, otherwise it is looked up
    /// on the service's PATH. Null when not found or not executable.
    /// </summary>
    public static string? FindExecutable(string program, string? searchPath)
    {
        if (program.Contains('/', StringComparison.Ordinal))
        {
            return IsExecutableFile(Path.GetFullPath(program)) ? program : null;
        }
        foreach (var directory in (searchPath ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(directory, program);
            if (IsExecutableFile(candidate))
            {
                return candidate;
            }
        }
        return null;
    }

    private static bool IsExecutableFile(string path)
    {
        if (!File.Exists(path))
        {
            return false;
        }
        if (OperatingSystem.IsWindows())
        {
            return true;
        }
        const UnixFileMode anyExecute = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
        return (File.GetUnixFileMode(path) & anyExecute) != 0;
    }
}
