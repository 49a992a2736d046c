using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace Dixie.Bff.Tests.Support;

/// <summary>
/// One captured JSON log line. Fields are read by their names in the JSON (snake_case, e.g.
/// <c>error_class</c>); a field the formatter left out (its value was null) reads as missing.
/// </summary>
public sealed class LogLine
{
    public LogLine(string text)
    {
        Text = text;
        using var document = JsonDocument.Parse(text);
        Json = document.RootElement.Clone();
    }

    /// <summary>The line as the service would print it.</summary>
    public string Text { get; }

    public JsonElement Json { get; }

    public string Event => Json.GetProperty("event").GetString()!;

    public string Category => Json.GetProperty("category").GetString()!;

    public string Message => Json.GetProperty("message").GetString()!;

    /// <summary>The level, mapped back from the formatter's names (info, warn, …).</summary>
    public LogLevel Level => Json.GetProperty("level").GetString() switch
    {
        "trace" => LogLevel.Trace,
        "debug" => LogLevel.Debug,
        "info" => LogLevel.Information,
        "warn" => LogLevel.Warning,
        "error" => LogLevel.Error,
        "critical" => LogLevel.Critical,
        var other => throw new InvalidOperationException($"unknown level {other} in {Text}"),
    };

    /// <summary>The <c>exception</c> object, when the entry carried one.</summary>
    public LoggedException? Exception => Json.TryGetProperty("exception", out var ex)
        ? new LoggedException(ex.GetProperty("type").GetString()!, ex.GetProperty("message").GetString()!, ex.GetProperty("stack").GetString()!)
        : null;

    public bool Has(string field) => Json.TryGetProperty(field, out _);

    public JsonElement this[string field] =>
        Json.TryGetProperty(field, out var value) ? value : throw new KeyNotFoundException($"no field {field} in {Text}");

    /// <summary>A string field, or null when the line has no such field.</summary>
    public string? String(string field) => Json.TryGetProperty(field, out var value) ? value.GetString() : null;

    public int Int(string field) => this[field].GetInt32();

    public long Long(string field) => this[field].GetInt64();

    public bool Bool(string field) => this[field].GetBoolean();

    public IReadOnlyList<string> Strings(string field) => [.. this[field].EnumerateArray().Select(item => item.GetString()!)];

    public override string ToString() => Text;
}

/// <summary>The <c>exception</c> object of a log line: type name, redacted message and stack.</summary>
public sealed record LoggedException(string Type, string Message, string Stack);
