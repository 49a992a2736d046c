using System.Text.Json.Serialization;

namespace Dixie.Bff.Infrastructure.Outbox;

public enum CallerKind
{
    Wallet,
    ApiKey,
}

/// <summary>`chat.interaction`: a completed, not aborted chat turn (spec 10 §2.3). Lengths only, never the text.</summary>
public sealed record ChatInteractionSignal : ISignalData
{
    public required string SessionId { get; init; }
    public required string MessageId { get; init; }
    public required bool NewSession { get; init; }
    public required CallerKind CallerKind { get; init; }
    /// <summary>Null for API-key callers.</summary>
    public required string? WalletHash { get; init; }
    public required bool Streamed { get; init; }
    public required string? Model { get; init; }
    public required long LatencyMs { get; init; }
    /// <summary>UTF-16 code units of the prompt.</summary>
    public required int PromptChars { get; init; }
    public required int ResponseChars { get; init; }
    public required int ToolCalls { get; init; }

    [JsonIgnore] public string Subject => SignalSubjects.Interaction;
    [JsonIgnore] public string Type => "chat.interaction";
}
