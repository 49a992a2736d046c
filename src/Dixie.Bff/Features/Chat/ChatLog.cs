using Dixie.Bff.Infrastructure.Logging;

namespace Dixie.Bff.Features.Chat;

/// <summary>The chat log lines of spec 05 §11: never prompts or answers, only ids, hashes and timings.</summary>
public sealed partial class ChatLog(ILogger<ChatLog> logger)
{
    /// <summary>One `chat_turn` line and the turn counter, together so they never disagree.</summary>
    public void Turn(string transport, string outcome, TimeSpan latency, string? sessionId, ChatOwner owner) =>
        Turn(logger, transport, outcome, (long)latency.TotalMilliseconds, sessionId, owner);

    /// <summary>The same for the streaming transports, which log through their own category. `outcome` ∈ ok | error | aborted | disconnected.</summary>
    public static void Turn(ILogger logger, string transport, string outcome, long latencyMs, string? sessionId, ChatOwner owner)
    {
        ChatMetrics.CountTurn(transport, outcome);
        LogTurn(logger, transport, outcome, latencyMs, sessionId, owner.Hash);
    }

    public void RecordFailed(string sessionId, Exception exception) => LogRecordFailed(logger, sessionId, exception);

    [LoggerMessage(EventId = 50, EventName = LogEvents.ChatTurn, Level = LogLevel.Information,
        Message = "chat turn {Transport} {Outcome}")]
    private static partial void LogTurn(ILogger logger, string transport, string outcome, long latencyMs, string? sessionId, string ownerHash);

    [LoggerMessage(EventId = 51, EventName = LogEvents.ChatTurnRecordFailed, Level = LogLevel.Error,
        Message = "A completed chat turn could not be recorded")]
    private static partial void LogRecordFailed(ILogger logger, string sessionId, Exception exception);
}
