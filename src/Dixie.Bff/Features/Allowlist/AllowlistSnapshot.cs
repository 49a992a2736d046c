using System.Security.Cryptography;
using System.Text;

namespace Dixie.Bff.Features.Allowlist;

/// <summary>
/// One loaded version of the allowlist file (spec 04 §5), immutable so a reload swaps it with one
/// reference assignment. Wallets are held in EIP-55 form; API keys only as SHA-256 digests
/// (plaintext entries are hashed at load time, spec 04 §6).
/// </summary>
public sealed class AllowlistSnapshot
{
    private readonly HashSet<string> _wallets;
    private readonly byte[][] _apiKeyDigests;

    public AllowlistSnapshot(IEnumerable<string> checksummedWallets, IEnumerable<byte[]> apiKeyDigests, string contentHash)
    {
        _wallets = new HashSet<string>(checksummedWallets, StringComparer.Ordinal);
        _apiKeyDigests = [.. apiKeyDigests];
        ContentHash = contentHash;
    }

    public static AllowlistSnapshot Empty { get; } = new([], [], "");

    /// <summary>SHA-256 of the file bytes this snapshot was read from; equal hashes skip a swap.</summary>
    public string ContentHash { get; }

    public int WalletCount => _wallets.Count;

    public int ApiKeyCount => _apiKeyDigests.Length;

    /// <summary>Membership of an address already in EIP-55 form.</summary>
    public bool ContainsWallet(string checksummedWallet) => _wallets.Contains(checksummedWallet);

    /// <summary>
    /// Whether the presented key is listed. Every entry is compared in fixed time with no early exit,
    /// so neither the key, its length nor its position in the list shows in the timing.
    /// </summary>
    public bool MatchesApiKey(string presentedKey)
    {
        Span<byte> digest = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(presentedKey), digest);
        var matched = false;
        foreach (var entry in _apiKeyDigests)
        {
            matched |= CryptographicOperations.FixedTimeEquals(digest, entry);
        }
        return matched;
    }
}
