using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Primitives;

namespace Dixie.Bff.Infrastructure.Identity;

/// <summary>
/// The configured `DIXIE_ADMIN_KEY` and the comparison of spec 02 §12.1: SHA-256 of both sides
/// compared in fixed time, so the time taken reveals neither the first differing position nor the length.
/// </summary>
public sealed class AdminKey(string configured)
{
    private readonly byte[] _digest = SHA256.HashData(Encoding.UTF8.GetBytes(configured));

    public bool Matches(string presented)
    {
        Span<byte> digest = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(presented), digest);
        return CryptographicOperations.FixedTimeEquals(digest, _digest);
    }

    /// <summary>
    /// The presented key: the header value with an optional case-insensitive `Bearer` prefix removed,
    /// trimmed; empty when nothing was presented.
    /// </summary>
    public static string Presented(StringValues authorization)
    {
        var value = authorization.ToString().Trim();
        const string scheme = "Bearer";
        if (value.StartsWith(scheme, StringComparison.OrdinalIgnoreCase) && (value.Length == scheme.Length || char.IsWhiteSpace(value[scheme.Length])))
            value = value[scheme.Length..].Trim();
        return value;
    }
}
