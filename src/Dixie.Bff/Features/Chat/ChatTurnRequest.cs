namespace Dixie.Bff.Features.Chat;

public sealed record ChatTurnRequest(ChatOwner Owner, string Prompt, string? SessionId);
