using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;

namespace Dixie.Bff.Infrastructure.Logging;

/// <summary>
/// One JSON object per line in the field order of spec 10 §7: timestamp, level, service, event,
/// category, message, request_id, trace_id, span_id, the event's own fields (snake_case), exception.
/// </summary>
public sealed class JsonLogFormatter() : ConsoleFormatter(FormatterName)
{
    public const string FormatterName = "dixie-json";

    // Log lines are read by people and log pipelines, never embedded in HTML: keep `+`, `'` and
    // non-ASCII text as they are.
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public override void Write<TState>(in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider, TextWriter textWriter)
    {
        var message = logEntry.Formatter(logEntry.State, logEntry.Exception);
        if (message is null && logEntry.Exception is null) return;

        using var buffer = new MemoryStream(256);
        using (var json = new Utf8JsonWriter(buffer, WriterOptions))
        {
            json.WriteStartObject();
            json.WriteString("timestamp", DateTime.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture));
            json.WriteString("level", LevelName(logEntry.LogLevel));
            json.WriteString("service", "dixie-bff");
            json.WriteString("event", string.IsNullOrEmpty(logEntry.EventId.Name) ? "log" : logEntry.EventId.Name);
            json.WriteString("category", logEntry.Category);
            json.WriteString("message", Redaction.Redact(message ?? string.Empty));
            WriteCorrelation(json);
            if (logEntry.State is IReadOnlyList<KeyValuePair<string, object?>> fields)
            {
                foreach (var (key, value) in fields)
                {
                    if (key == "{OriginalFormat}" || value is null) continue;
                    json.WritePropertyName(SnakeCase(key));
                    WriteValue(json, value);
                }
            }
            if (logEntry.Exception is { } ex)
            {
                json.WriteStartObject("exception");
                json.WriteString("type", ex.GetType().FullName);
                json.WriteString("message", Redaction.Redact(ex.Message));
                json.WriteString("stack", Redaction.Redact(ex.ToString()));
                json.WriteEndObject();
            }
            json.WriteEndObject();
        }
        textWriter.Write(Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
        textWriter.Write('\n');
    }

    private static void WriteCorrelation(Utf8JsonWriter json)
    {
        if (RequestContext.RequestId is { } requestId) json.WriteString("request_id", requestId);
        if (Activity.Current is { } activity && activity.TraceId != default)
        {
            json.WriteString("trace_id", activity.TraceId.ToHexString());
            json.WriteString("span_id", activity.SpanId.ToHexString());
        }
    }

    private static void WriteValue(Utf8JsonWriter json, object value)
    {
        switch (value)
        {
            case string s: json.WriteStringValue(Redaction.Redact(s)); break;
            case bool b: json.WriteBooleanValue(b); break;
            case int i: json.WriteNumberValue(i); break;
            case long l: json.WriteNumberValue(l); break;
            case double d: json.WriteNumberValue(d); break;
            case decimal m: json.WriteNumberValue(m); break;
            case DateTimeOffset t: json.WriteStringValue(t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture)); break;
            case IEnumerable<string> list:
                json.WriteStartArray();
                foreach (var item in list) json.WriteStringValue(Redaction.Redact(item));
                json.WriteEndArray();
                break;
            default: json.WriteStringValue(Redaction.Redact(Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty)); break;
        }
    }

    private static string LevelName(LogLevel level) => level switch
    {
        LogLevel.Trace => "trace",
        LogLevel.Debug => "debug",
        LogLevel.Information => "info",
        LogLevel.Warning => "warn",
        LogLevel.Error => "error",
        _ => "critical",
    };

    /// <summary>`LatencyMs` / `latencyMs` → `latency_ms`; names already in snake_case are kept.</summary>
    internal static string SnakeCase(string name)
    {
        var builder = new StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsUpper(c))
            {
                if (i > 0 && name[i - 1] != '_' && !char.IsUpper(name[i - 1])) builder.Append('_');
                builder.Append(char.ToLowerInvariant(c));
            }
            else
            {
                builder.Append(c);
            }
        }
        return builder.ToString();
    }
}

/// <summary>Holds the effective request id for log lines written while the request is handled.</summary>
public static class RequestContext
{
    private static readonly AsyncLocal<string?> Current = new();

    public static string? RequestId
    {
        get => Current.Value;
        set => Current.Value = value;
    }
}
