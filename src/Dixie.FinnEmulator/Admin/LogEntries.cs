using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Primitives;

namespace Dixie.FinnEmulator.Admin;

/// <summary>One entry of the request log (spec 11 §8.2). Serialised only when a test asks for it.</summary>
public abstract class LogEntry(DateTimeOffset at, string path)
{
    public const int CaptureLimit = 16 * 1024;

    public long Seq { get; set; }
    public DateTimeOffset At { get; } = at;
    public string Path { get; } = path;
    public abstract string Kind { get; }

    public void WriteTo(Utf8JsonWriter json)
    {
        json.WriteStartObject();
        json.WriteString("kind", Kind);
        json.WriteNumber("seq", Seq);
        json.WriteString("at", Iso.Format(At));
        WriteFields(json);
        json.WriteEndObject();
    }

    protected abstract void WriteFields(Utf8JsonWriter json);

    /// <summary>Lower-case names; a header repeated on the wire arrives as several values, joined with ", ".</summary>
    protected static void WriteHeaders(Utf8JsonWriter json, KeyValuePair<string, StringValues>[] headers)
    {
        json.WriteStartObject("headers");
        foreach (var (name, values) in headers)
        {
            json.WriteString(name.ToLowerInvariant(), string.Join(", ", values.ToArray()));
        }
        json.WriteEndObject();
    }

    protected static string Utf8Prefix(ReadOnlySpan<byte> bytes) => Encoding.UTF8.GetString(bytes);
}

public sealed class HttpEntry(DateTimeOffset at, string method, string path, string query,
    KeyValuePair<string, StringValues>[] headers, string remoteIp) : LogEntry(at, path)
{
    private int _status;

    public override string Kind => "http";

    /// <summary>First 16 KiB of the body; decoded to text only when the log is read.</summary>
    public byte[] Body { get; set; } = [];
    public bool BodyTruncated { get; set; }
    public double DurationMs { get; set; }

    /// <summary>0 while the request runs or when it was aborted without an answer.</summary>
    public int Status { get => Volatile.Read(ref _status); set => Volatile.Write(ref _status, value); }

    protected override void WriteFields(Utf8JsonWriter json)
    {
        json.WriteString("method", method);
        json.WriteString("path", Path);
        json.WriteString("query", query);
        WriteHeaders(json, headers);
        json.WriteString("body", Utf8Prefix(Body));
        json.WriteBoolean("bodyTruncated", BodyTruncated);
        json.WriteString("remoteIp", remoteIp);
        if (Status == 0)
        {
            json.WriteNull("status");
            json.WriteNull("durationMs");
        }
        else
        {
            json.WriteNumber("status", Status);
            json.WriteNumber("durationMs", Math.Round(DurationMs, 3));
        }
    }
}

public sealed class WsUpgradeEntry(DateTimeOffset at, string path, string query,
    KeyValuePair<string, StringValues>[] headers, string remoteIp) : LogEntry(at, path)
{
    private string _outcome = "pending";

    public override string Kind => "ws_upgrade";

    public string? SessionId { get; set; }

    /// <summary><c>accepted</c>, <c>rejected:&lt;status&gt;</c> or <c>aborted</c>.</summary>
    public string Outcome { get => Volatile.Read(ref _outcome); set => Volatile.Write(ref _outcome, value); }

    protected override void WriteFields(Utf8JsonWriter json)
    {
        json.WriteString("path", Path);
        json.WriteString("query", query);
        WriteHeaders(json, headers);
        json.WriteString("remoteIp", remoteIp);
        json.WriteString("sessionId", SessionId);
        json.WriteString("outcome", Outcome);
    }
}

public sealed class WsFrameEntry(DateTimeOffset at, string path, string sessionId, byte[] frame) : LogEntry(at, path)
{
    public override string Kind => "ws_frame";

    protected override void WriteFields(Utf8JsonWriter json)
    {
        json.WriteString("path", Path);
        json.WriteString("sessionId", sessionId);
        json.WriteString("frame", Utf8Prefix(frame));
    }
}
