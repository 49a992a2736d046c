using Dixie.Bff.Infrastructure.Logging;

namespace Dixie.Bff.Features.Chat.Streaming;

/// <summary>The streaming transports' log lines; `chat_turn` itself is written by <see cref="ChatLog"/>.</summary>
public static partial class ChatTurnLog
{
    public const string Sse = "sse";
    public const string Ws = "ws";

    /// <summary>Counts one open stream until the returned handle is disposed.</summary>
    public static IDisposable TrackStream(string transport)
    {
        ChatMetrics.StreamsActive.Add(1, new KeyValuePair<string, object?>("transport", transport));
        return new StreamHandle(transport);
    }

    [LoggerMessage(EventId = 5002, EventName = LogEvents.FinnFrameInvalid, Level = LogLevel.Warning, Message = "loa-finn sent a frame that is not a JSON object with a string type")]
    public static partial void FrameInvalid(ILogger logger);

    [LoggerMessage(EventId = 5003, EventName = LogEvents.ChatTurnRecordFailed, Level = LogLevel.Error, Message = "A completed chat turn could not be recorded")]
    public static partial void RecordFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 5004, EventName = LogEvents.UnhandledException, Level = LogLevel.Error, Message = "A chat stream failed")]
    public static partial void StreamFailed(ILogger logger, Exception exception);

    private sealed class StreamHandle(string transport) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
                ChatMetrics.StreamsActive.Add(-1, new KeyValuePair<string, object?>("transport", transport));
        }
    }
}
