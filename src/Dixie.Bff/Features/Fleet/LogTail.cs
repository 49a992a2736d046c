using System.Text;

namespace Dixie.Bff.Features.Fleet;

/// <summary>
/// The last N lines of an attempt's log (spec 07 §3.8): read backwards from the end, at most the last
/// 1 MiB, reaching into `agent.log.1` when the current file holds fewer lines.
/// </summary>
public static class LogTail
{
    public const int MaxBytes = 1024 * 1024;

    public static string Read(string logPath, int lines)
    {
        var current = ReadEnd(logPath, MaxBytes);
        var text = current;
        if (current.AsSpan().Count((byte)'\n') < lines && current.Length < MaxBytes)
        {
            text = [.. ReadEnd(logPath + ".1", MaxBytes - current.Length), .. current];
        }
        var decoded = Encoding.UTF8.GetString(text);
        var all = decoded.Split('\n');
        // A trailing newline leaves an empty last element that is not a line.
        var count = decoded.EndsWith('\n') ? all.Length - 1 : all.Length;
        var skip = Math.Max(0, count - lines);
        return string.Join('\n', all.Skip(skip).Take(count - skip)) + (count > 0 && decoded.EndsWith('\n') ? "\n" : "");
    }

    private static byte[] ReadEnd(string path, int maxBytes)
    {
        if (maxBytes <= 0) return [];
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            var length = (int)Math.Min(stream.Length, maxBytes);
            stream.Seek(-length, SeekOrigin.End);
            var buffer = new byte[length];
            stream.ReadExactly(buffer);
            return buffer;
        }
        catch (FileNotFoundException)
        {
            return [];
        }
        catch (DirectoryNotFoundException)
        {
            return [];
        }
    }
}
