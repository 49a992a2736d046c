using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Dixie.Bff.Tests.Data;

/// <summary>One captured log call: its event name, level, rendered message and structured fields.</summary>
public sealed record CapturedLog(string Category, LogLevel Level, string? Event, string Message, IReadOnlyDictionary<string, object?> Fields)
{
    public object? this[string field] => Fields.GetValueOrDefault(field);
}

/// <summary>A logger factory that keeps every line, so tests assert on events and fields.</summary>
public sealed class CapturedLogs : ILoggerProvider
{
    private readonly ConcurrentQueue<CapturedLog> _entries = new();

    public CapturedLogs() => Factory = LoggerFactory.Create(builder => builder.AddProvider(this).SetMinimumLevel(LogLevel.Trace));

    public ILoggerFactory Factory { get; }

    public IReadOnlyList<CapturedLog> All => [.. _entries];

    public IReadOnlyList<CapturedLog> Events(string eventName) => [.. _entries.Where(e => e.Event == eventName)];

    public string Dump() => string.Join('\n', _entries.Select(e => $"{e.Level} {e.Event}: {e.Message}"));

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose() { }

    private sealed class Logger(CapturedLogs owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var fields = new Dictionary<string, object?>(StringComparer.Ordinal);
            if (state is IReadOnlyList<KeyValuePair<string, object?>> pairs)
            {
                foreach (var (key, value) in pairs) fields[key] = value;
            }
            owner._entries.Enqueue(new CapturedLog(category, logLevel, eventId.Name, formatter(state, exception), fields));
        }
    }
}
