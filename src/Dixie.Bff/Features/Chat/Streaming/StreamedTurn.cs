using Dixie.Bff.Infrastructure.Outbox;

namespace Dixie.Bff.Features.Chat.Streaming;

/// <summary>One prompt answered over a stream: who asked, in which session, and what came back so far.</summary>
public sealed class StreamedTurn(ChatOwner owner, string sessionId, string messageId, int promptChars, bool newSession)
{
    private readonly System.Text.StringBuilder _content = new();

    public ChatOwner Owner { get; } = owner;
    public string SessionId { get; } = sessionId;
    public string MessageId { get; } = messageId;
    public int ToolCalls { get; private set; }
    public string Content => _content.ToString();

    public void AddDelta(string delta) => _content.Append(delta);

    public void AddToolCall() => ToolCalls++;

    /// <summary>
    /// Spec 05 §2.2 step 4 for a completed, non-aborted turn: the count, the activity time and the
    /// interaction signal in one transaction. A failure is logged and the answer still goes out.
    /// </summary>
    public async Task RecordAsync(ChatSessionStore sessions, long latencyMs, ILogger logger)
    {
        var signal = new ChatInteractionSignal
        {
            SessionId = SessionId,
            MessageId = MessageId,
            NewSession = newSession,
            CallerKind = Owner.Kind,
            WalletHash = Owner.WalletHash,
            Streamed = true,
            Model = null,
            LatencyMs = latencyMs,
            PromptChars = promptChars,
            ResponseChars = _content.Length,
            ToolCalls = ToolCalls,
        };
        try
        {
            await sessions.RecordTurnAsync(signal);
        }
        catch (Exception ex)
        {
            ChatTurnLog.RecordFailed(logger, ex);
        }
    }
}
