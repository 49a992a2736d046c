namespace Dixie.Bff.Features.Chat;

/// <summary>
/// One validated chat turn as every transport receives it (spec 05 §2.1): the owner, the prompt, and
/// the session to continue (null = create one).
/// </summary>
public sealed record ChatTurnRequest(ChatOwner Owner, string Prompt, string? SessionId);
