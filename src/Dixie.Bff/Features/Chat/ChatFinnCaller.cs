using Dixie.Bff.Infrastructure.Finn;
using Dixie.Bff.Infrastructure.Outbox;

namespace Dixie.Bff.Features.Chat;

/// <summary>The headers a chat request forwards to finn (spec 05 §7.2): request id, client IP, wallet.</summary>
public static class ChatFinnCaller
{
    public static FinnCallContext For(HttpContext context, ChatOwner owner) => new(
        context.TraceIdentifier,
        context.Connection.RemoteIpAddress?.ToString(),
        owner.Kind == CallerKind.Wallet ? owner.Id : null);
}
