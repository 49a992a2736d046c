using System.Globalization;

namespace Dixie.Bff.Tests.Infrastructure;

/// <summary>
/// Temporary directories for test servers. Each holds a marker with the owning process id so that
/// directories left behind by a killed test run are removed by the next run. The test host is often
/// killed while its exit handlers still run, so a directory is renamed to a trash name before it is
/// deleted, and the next run finishes what was cut short.
/// </summary>
internal static class ServerDirectory
{
    private const string Prefix = "dixie-test-";
    private const string TrashPrefix = Prefix + "trash-";
    private const string OwnerMarker = ".dixie-test-owner";
    private static int swept;

    public static string Create(string kind)
    {
        if (Interlocked.Exchange(ref swept, 1) == 0)
        {
            SweepAbandoned();
        }
        var path = Path.Combine(Path.GetTempPath(), $"{Prefix}{kind}-{Guid.NewGuid().ToString("N")[..12]}");
        Directory.CreateDirectory(path);
        File.WriteAllText(Path.Combine(path, OwnerMarker), Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        return path;
    }

    public static void Delete(string path)
    {
        try
        {
            if (!IsTrash(path))
            {
                var trash = Path.Combine(Path.GetDirectoryName(path)!, TrashPrefix + Path.GetFileName(path)[Prefix.Length..]);
                Directory.Move(path, trash);
                path = trash;
            }
            Directory.Delete(path, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
        catch (IOException)
        {
            // A server child that has not quite exited may still hold a file; the next sweep removes it.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private static bool IsTrash(string path) => Path.GetFileName(path).StartsWith(TrashPrefix, StringComparison.Ordinal);

    private static void SweepAbandoned()
    {
        foreach (var directory in Directory.EnumerateDirectories(Path.GetTempPath(), Prefix + "*"))
        {
            if (IsTrash(directory) || IsAbandoned(directory))
            {
                Delete(directory);
            }
        }
    }

    private static bool IsAbandoned(string directory)
    {
        try
        {
            return int.TryParse(File.ReadAllText(Path.Combine(directory, OwnerMarker)), CultureInfo.InvariantCulture, out var owner)
                && owner != Environment.ProcessId
                && !Directory.Exists($"/proc/{owner}");
        }
        catch (IOException)
        {
            // No marker yet (being created) or unreadable: not ours to judge.
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }
}
