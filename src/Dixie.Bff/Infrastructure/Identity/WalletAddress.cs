using System.Buffers;
using System.Text;
using Nethereum.Util;

namespace Dixie.Bff.Infrastructure.Identity;

/// <summary>
/// Ethereum addresses in their EIP-55 (checksummed) form: the one form the service compares,
/// stores and serves. Spec 04: a mixed-case address must carry a valid checksum; an all-lower or
/// all-upper address has no checksum to check.
/// </summary>
public static class WalletAddress
{
    private static readonly SearchValues<char> Hex = SearchValues.Create("0123456789abcdefABCDEF");

    /// <summary>`0x` (lower-case x) followed by exactly 40 hex digits, in any case.</summary>
    public static bool IsWellFormed(string? value) =>
        value is { Length: 42 } && value[0] == '0' && value[1] == 'x' && !value.AsSpan(2).ContainsAnyExcept(Hex);

    /// <summary>The EIP-55 form of a well-formed address (its checksum, if any, is not checked).</summary>
    public static string ToChecksum(string address)
    {
        var lower = address[2..].ToLowerInvariant();
        var hash = new Sha3Keccack().CalculateHash(Encoding.ASCII.GetBytes(lower));
        return string.Create(42, (lower, hash), static (span, state) =>
        {
            span[0] = '0';
            span[1] = 'x';
            for (var i = 0; i < 40; i++)
            {
                var c = state.lower[i];
                // The nibble of the Keccak-256 hash at this position decides the case of a letter.
                var nibble = (state.hash[i / 2] >> (i % 2 == 0 ? 4 : 0)) & 0xF;
                span[i + 2] = c is >= 'a' and <= 'f' && nibble >= 8 ? char.ToUpperInvariant(c) : c;
            }
        });
    }

    /// <summary>True when the address is well-formed and already in its exact EIP-55 form.</summary>
    public static bool IsChecksummed(string? value) => IsWellFormed(value) && string.Equals(ToChecksum(value!), value, StringComparison.Ordinal);

    /// <summary>
    /// The EIP-55 form of a well-formed address written all-lower, all-upper or correctly
    /// checksummed; false for anything else (including a mixed-case address with a wrong checksum).
    /// </summary>
    public static bool TryNormalize(string? value, out string checksummed)
    {
        checksummed = "";
        if (!IsWellFormed(value)) return false;
        var digits = value!.AsSpan(2);
        var normalized = ToChecksum(value!);
        var singleCase = !digits.ContainsAnyInRange('a', 'f') || !digits.ContainsAnyInRange('A', 'F');
        if (!singleCase && !string.Equals(normalized, value, StringComparison.Ordinal)) return false;
        checksummed = normalized;
        return true;
    }
}
