using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace Dixie.Bff.Infrastructure.Logging;

/// <summary>Keeps raw wallet addresses out of logs and spans (spec 10 §5.3, §7).</summary>
public static partial class Redaction
{
    [GeneratedRegex("0x[0-9a-fA-F]{40}")]
    private static partial Regex WalletPattern();

    public static string Redact(string text) =>
        text.Contains("0x", StringComparison.Ordinal) ? WalletPattern().Replace(text, "0x[REDACTED]") : text;

    /// <summary>First 12 hex of SHA-256 over the lower-case value (spec 02 §8, spec 10 §2.1).</summary>
    public static string Hash12(string value)
    {
        Span<byte> digest = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(value.ToLowerInvariant()), digest);
        return Convert.ToHexStringLower(digest)[..12];
    }
}
