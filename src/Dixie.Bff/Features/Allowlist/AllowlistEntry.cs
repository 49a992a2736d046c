using System.Text.Json.Nodes;
using Dixie.Bff.Infrastructure.Identity;
using Dixie.Bff.Infrastructure.Logging;
using Dixie.Bff.Infrastructure.Outbox;

namespace Dixie.Bff.Features.Allowlist;

/// <summary>What an admin change adds or removes: a wallet in EIP-55 form, or an API key known only by its digest.</summary>
public abstract record AllowlistEntry
{
    public sealed record Wallet(string Checksummed) : AllowlistEntry;

    /// <summary>The key in its stored form `sha256:&lt;hex&gt;` (spec 04 §6: the admin API never stores a key in clear).</summary>
    public sealed record ApiKey(ApiKeyEntry Stored) : AllowlistEntry;

    public AllowlistEntryKind Kind => this is Wallet ? AllowlistEntryKind.Wallet : AllowlistEntryKind.ApiKey;

    /// <summary>How logs and signals name the entry: the 12-hex hash of the lower-case wallet, or the key's fingerprint.</summary>
    public string Hash => this switch
    {
        Wallet wallet => Redaction.Hash12(wallet.Checksummed),
        ApiKey key => key.Stored.Fingerprint,
        _ => throw new InvalidOperationException(),
    };

    /// <summary>The audit and mutation payload of spec 08 §2.6; a key appears only as its fingerprint.</summary>
    public JsonObject AuditPayload(long version) => this switch
    {
        Wallet wallet => new JsonObject { ["type"] = "wallet", ["wallet"] = wallet.Checksummed, ["version"] = version },
        ApiKey key => new JsonObject { ["type"] = "apiKey", ["key_fingerprint"] = key.Stored.Fingerprint, ["version"] = version },
        _ => throw new InvalidOperationException(),
    };

    /// <summary>
    /// The entry `DELETE /api/admin/allowlist/{entry}` names (spec 04 §7.3): a wallet in any case, a
    /// `dxk_` key, or a `sha256:` digest (either matches the key's plaintext or hashed entry).
    /// </summary>
    public static AllowlistEntry? ForRemoval(string entry)
    {
        if (WalletAddress.IsWellFormed(entry)) return new Wallet(WalletAddress.ToChecksum(entry));
        if (entry.StartsWith(ApiKeyEntry.KeyPrefix, StringComparison.Ordinal)) return new ApiKey(ApiKeyEntry.ForStorage(entry));
        var lower = entry.ToLowerInvariant();
        return ApiKeyEntry.IsStoredDigest(lower) ? new ApiKey(ApiKeyEntry.ForStorage(lower)) : null;
    }
}
