using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace Dixie.Bff.Infrastructure.Logging;

/// <summary>Keeps raw wallet addresses and API keys out of logs and spans (spec 10 §5.3, §7; spec 04 §6).</summary>
public static partial class Redaction
{
    [GeneratedRegex("0x[0-9a-fA-F]{40}")]
    private static partial Regex WalletPattern();

    // A whole API key (`dxk_` + 24 or more characters, spec 04 §6), e.g. in the path of
    // `DELETE /api/admin/allowlist/{entry}`. The 12-character key id stays readable.
    // A whole path segment that starts with `dxk_`, whatever follows: legacy keys (spec 04 §5.1) may be
    // shorter or use other characters, and a path segment is never a key id.
    [GeneratedRegex("dxk_[A-Za-z0-9_-]{24,}|(?<=/)dxk_[^/?#\\s]+")]
    private static partial Regex ApiKeyPattern();

    public static string Redact(string text)
    {
        if (text.Contains("0x", StringComparison.Ordinal)) text = WalletPattern().Replace(text, "0x[REDACTED]");
        if (text.Contains("dxk_", StringComparison.Ordinal)) text = ApiKeyPattern().Replace(text, "dxk_[REDACTED]");
        return text;
    }

    /// <summary>First 12 hex of SHA-256 over the lower-case value (spec 02 §8, spec 10 §2.1).</summary>
    public static string Hash12(string value)
    {
        Span<byte> digest = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(value.ToLowerInvariant()), digest);
        return Convert.ToHexStringLower(digest)[..12];
    }
}
