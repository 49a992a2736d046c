using System.Collections.Concurrent;
using Dixie.Bff.Infrastructure.Logging;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Dixie.Bff.Tests.Support;

/// <summary>
/// Captures every log line exactly as the service's JSON formatter renders it, so tests assert on
/// the real output (snake_case field names, field order, redaction) rather than on logger calls.
/// Add it as a provider to a host, or hand <see cref="Factory"/> to code that takes a logger factory.
/// </summary>
public sealed class LogCapture : ILoggerProvider
{
    private readonly ConcurrentQueue<LogLine> _entries = new();
    private readonly JsonLogFormatter _formatter = new();
    private readonly Lazy<ILoggerFactory> _factory;

    public LogCapture() =>
        _factory = new(() => LoggerFactory.Create(builder => builder.AddProvider(this).SetMinimumLevel(LogLevel.Trace)));

    /// <summary>A factory whose loggers write here at every level.</summary>
    public ILoggerFactory Factory => _factory.Value;

    public IReadOnlyList<LogLine> Entries => [.. _entries];

    public IReadOnlyList<string> Lines => [.. _entries.Select(e => e.Text)];

    public string AllText => string.Join('\n', Lines);

    public IReadOnlyList<LogLine> Events(string eventName) => [.. _entries.Where(e => e.Event == eventName)];

    /// <summary>
    /// The first <paramref name="eventName"/> line (that matches <paramref name="where"/>), waiting
    /// for it: background services and response logging write after the call that caused them.
    /// </summary>
    public async Task<LogLine> WaitForAsync(string eventName, Func<LogLine, bool>? where = null, TimeSpan? timeout = null) =>
        (await Eventually.ValueAsync(
            () => Task.FromResult(Events(eventName).FirstOrDefault(where ?? (_ => true))),
            found => found is not null,
            timeout,
            _ => $"no matching {eventName} line; saw:\n{AllText}"))!;

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
            foreach (var line in writer.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries)) owner._entries.Enqueue(new LogLine(line));
        }
    }
}
