using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Dixie.Bff.Tests.Messaging;

internal sealed record CapturedLog(string Category, LogLevel Level, string? EventName, string Message,
    IReadOnlyDictionary<string, object?> Fields, Exception? Exception);

/// <summary>An <see cref="ILoggerProvider"/> that keeps every entry, for assertions on events and fields.</summary>
internal sealed class CapturedLogs : ILoggerProvider
{
    private readonly ConcurrentQueue<CapturedLog> entries = new();

    public IReadOnlyList<CapturedLog> Entries => [.. entries];

    public IReadOnlyList<CapturedLog> Event(string eventName) => [.. entries.Where(entry => entry.EventName == eventName)];

    public async Task<CapturedLog> WaitForAsync(string eventName, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (DateTime.UtcNow < deadline)
        {
            if (Event(eventName) is [var found, ..])
            {
                return found;
            }

            await Task.Delay(20);
        }

        throw new TimeoutException($"No {eventName} log entry; saw: {string.Join(", ", entries.Select(entry => entry.EventName ?? entry.Message))}");
    }

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, entries);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, ConcurrentQueue<CapturedLog> entries) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var fields = state is IEnumerable<KeyValuePair<string, object?>> pairs
                ? pairs.ToDictionary(pair => pair.Key, pair => pair.Value)
                : [];
            entries.Enqueue(new CapturedLog(category, logLevel, eventId.Name, formatter(state, exception), fields, exception));
        }
    }
}
