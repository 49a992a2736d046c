using System.Buffers;
using System.Security.Cryptography;
using System.Text;

namespace Dixie.Bff.Features.Allowlist;

/// <summary>
/// One usable `apiKeys` entry of the allowlist file (spec 04 §6): a plaintext key (existing files)
/// or its stored form `sha256:&lt;hex&gt;`. Either way only the digest takes part in matching.
/// </summary>
public sealed record ApiKeyEntry(string Stored, bool Hashed, byte[] Digest)
{
    public const string KeyPrefix = "dxk_";
    public const string HashPrefix = "sha256:";

    /// <summary>The shortest key the admin API accepts: `dxk_` and 24 more characters.</summary>
    public const int MinimumKeyLength = 28;
    public const int MaximumKeyLength = 256;

    private static readonly SearchValues<char> KeyCharacters =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-");

    private static readonly SearchValues<char> LowerHex = SearchValues.Create("0123456789abcdef");

    public string DigestHex => Convert.ToHexStringLower(Digest);

    /// <summary>First 12 hex characters of the digest: how audit entries and signals name a key.</summary>
    public string Fingerprint => DigestHex[..12];

    /// <summary>The listing form (spec 04 §7.1): a plaintext key shows only its first 12 characters.</summary>
    public string Masked => Hashed ? Stored : Stored[..Math.Min(12, Stored.Length)] + "...";

    /// <summary>A file entry: a plaintext `dxk_…` key or `sha256:` + 64 lower-case hex; null for anything else.</summary>
    public static ApiKeyEntry? FromFile(string entry)
    {
        if (IsStoredDigest(entry)) return new ApiKeyEntry(entry, true, Convert.FromHexString(entry.AsSpan(HashPrefix.Length)));
        if (entry.StartsWith(KeyPrefix, StringComparison.Ordinal)) return new ApiKeyEntry(entry, false, DigestOf(entry));
        return null;
    }

    /// <summary>The hashed entry the admin API stores for a new key or a ready-made digest.</summary>
    public static ApiKeyEntry ForStorage(string keyOrDigest) =>
        IsStoredDigest(keyOrDigest) ? FromFile(keyOrDigest)! : FromDigest(DigestOf(keyOrDigest));

    public static ApiKeyEntry FromDigest(byte[] digest) => new(HashPrefix + Convert.ToHexStringLower(digest), true, digest);

    /// <summary>The format enforced for keys added through the admin API.</summary>
    public static bool IsWellFormedKey(string value) =>
        value.Length is >= MinimumKeyLength and <= MaximumKeyLength
        && value.StartsWith(KeyPrefix, StringComparison.Ordinal)
        && !value.AsSpan(KeyPrefix.Length).ContainsAnyExcept(KeyCharacters);

    /// <summary>`sha256:` followed by exactly 64 lower-case hex digits.</summary>
    public static bool IsStoredDigest(string value) =>
        value.Length == HashPrefix.Length + 64
        && value.StartsWith(HashPrefix, StringComparison.Ordinal)
        && !value.AsSpan(HashPrefix.Length).ContainsAnyExcept(LowerHex);

    public static byte[] DigestOf(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));

    public bool SameKeyAs(byte[] digest) => CryptographicOperations.FixedTimeEquals(Digest, digest);
}
