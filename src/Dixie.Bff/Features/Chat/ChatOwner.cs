using Dixie.Bff.Infrastructure.Identity;
using Dixie.Bff.Infrastructure.Logging;
using Dixie.Bff.Infrastructure.Outbox;

namespace Dixie.Bff.Features.Chat;

/// <summary>
/// Who owns a chat session (spec 05 §1): a wallet by its EIP-55 address, an API key by its key id.
/// Only these two identities reach the chat routes; the gate turns everything else away.
/// </summary>
public sealed record ChatOwner(string Id, CallerKind Kind)
{
    public static ChatOwner? Of(RequestIdentity identity) => identity.Kind switch
    {
        IdentityKind.Wallet => new ChatOwner(identity.Wallet!, CallerKind.Wallet),
        IdentityKind.ApiKey => new ChatOwner(identity.ApiKeyId!, CallerKind.ApiKey),
        _ => null,
    };

    /// <summary>The `owner_kind` column value.</summary>
    public string StoredKind => Kind == CallerKind.Wallet ? "wallet" : "api_key";

    /// <summary>The `owner_hash` of the `chat_turn` log line (spec 10 §2.1).</summary>
    public string Hash => Redaction.Hash12(Id);

    /// <summary>The signal's `wallet_hash`: null for API-key callers.</summary>
    public string? WalletHash => Kind == CallerKind.Wallet ? Redaction.Hash12(Id) : null;
}
