using System.Collections.Concurrent;
using System.Text.Json;
using Dixie.Bff.Infrastructure.Logging;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Dixie.Bff.Tests.Support;

/// <summary>
/// Captures every log line exactly as the service's JSON formatter renders it, so tests assert on
/// the real output (field order, redaction) rather than on logger calls.
/// </summary>
public sealed class LogCapture : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly JsonLogFormatter _formatter = new();

    public IReadOnlyList<string> Lines => [.. _lines];

    public IEnumerable<JsonElement> Events(string eventName) =>
        Lines.Select(line => JsonDocument.Parse(line).RootElement)
            .Where(e => e.TryGetProperty("event", out var name) && name.GetString() == eventName);

    public string AllText => string.Join('\n', _lines);

    public ILogger CreateLogger(string categoryName) => new CaptureLogger(this, categoryName);

    public void Dispose() { }

    private sealed class CaptureLogger(LogCapture owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            using var writer = new StringWriter();
            owner._formatter.Write(new LogEntry<TState>(logLevel, category, eventId, state, exception, formatter), null, writer);
            foreach (var line in writer.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries)) owner._lines.Enqueue(line);
        }
    }
}
