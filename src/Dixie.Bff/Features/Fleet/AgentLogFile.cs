using System.Text;

namespace Dixie.Bff.Features.Fleet;

/// <summary>
/// `agent.log` of one attempt (spec 07 §4.3): stdout and stderr lines in arrival order, passthrough
/// secrets replaced by `[REDACTED]`, lines over 64 KiB split, one rotation to `agent.log.1` at 25 MiB.
/// </summary>
public sealed class AgentLogFile : IDisposable
{
    public const int MaxLineChars = 64 * 1024;
    public const long RotateBytes = 25L * 1024 * 1024;

    private readonly string path;
    private readonly IReadOnlyList<string> secrets;
    private readonly Lock gate = new();
    private FileStream stream;
    private bool disposed;

    public AgentLogFile(string path, IReadOnlyList<string> secrets)
    {
        this.path = path;
        // Short values would redact ordinary words; only values of 8 characters or more are secrets here.
        this.secrets = [.. secrets.Where(s => s.Length >= 8).OrderByDescending(s => s.Length)];
        stream = Open(path);
    }

    public void WriteLine(string line)
    {
        foreach (var secret in secrets) line = line.Replace(secret, "[REDACTED]", StringComparison.Ordinal);
        lock (gate)
        {
            // Output that arrives after the exit was reported (a grandchild holding the pipe) is dropped.
            if (disposed) return;
            for (var start = 0; start < line.Length || start == 0; start += MaxLineChars)
            {
                var piece = line.Length == 0 ? "" : line.Substring(start, Math.Min(MaxLineChars, line.Length - start));
                var bytes = Encoding.UTF8.GetBytes(piece + "\n");
                if (stream.Length + bytes.Length > RotateBytes) Rotate();
                stream.Write(bytes);
                if (line.Length == 0) break;
            }
            stream.Flush();
        }
    }

    /// <summary>Copies one output stream into the log until EOF, splitting at newlines.</summary>
    public async Task PumpAsync(StreamReader reader)
    {
        var buffer = new char[8192];
        var line = new StringBuilder();
        int read;
        while ((read = await reader.ReadAsync(buffer)) > 0)
        {
            for (var i = 0; i < read; i++)
            {
                if (buffer[i] == '\n')
                {
                    WriteLine(line.ToString().TrimEnd('\r'));
                    line.Clear();
                }
                else
                {
                    line.Append(buffer[i]);
                    if (line.Length >= MaxLineChars)
                    {
                        WriteLine(line.ToString());
                        line.Clear();
                    }
                }
            }
        }
        if (line.Length > 0) WriteLine(line.ToString());
    }

    public void Dispose()
    {
        lock (gate)
        {
            disposed = true;
            stream.Dispose();
        }
    }

    private void Rotate()
    {
        stream.Dispose();
        File.Move(path, path + ".1", overwrite: true);
        stream = Open(path);
    }

    private static FileStream Open(string path) => new(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
}
