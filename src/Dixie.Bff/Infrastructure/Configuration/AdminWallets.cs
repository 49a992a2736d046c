using Nethereum.Util;

namespace Dixie.Bff.Infrastructure.Configuration;

/// <summary>`DIXIE_ADMIN_WALLETS`: addresses resolved to the sovereign tier, stored in EIP-55 form.</summary>
internal static class AdminWallets
{
    public const string Variable = "DIXIE_ADMIN_WALLETS";

    public static IReadOnlyList<string> Parse(EnvReader reader)
    {
        var wallets = new List<string>();
        foreach (var (position, item) in reader.Csv(Variable))
        {
            var wallet = Normalize(item, out var reason);
            if (wallet is null)
            {
                reader.Problem(Variable, $"item {position} ({EnvReader.Quote(item)}) {reason}");
            }
            else if (!wallets.Contains(wallet, StringComparer.Ordinal))
            {
                wallets.Add(wallet);
            }
        }
        return wallets;
    }

    internal static string? Normalize(string item, out string reason)
    {
        reason = "";
        var hex = item.StartsWith("0x", StringComparison.Ordinal) ? item[2..] : null;
        if (hex is null || hex.Length != 40 || !hex.All(char.IsAsciiHexDigit))
        {
            reason = "must be 0x followed by 40 hexadecimal digits";
            return null;
        }
        // Single-case addresses carry no checksum; mixed case is EIP-55 and must verify (a typo guard).
        var mixedCase = hex.Any(char.IsAsciiLetterLower) && hex.Any(char.IsAsciiLetterUpper);
        if (mixedCase && !AddressUtil.Current.IsChecksumAddress(item))
        {
            reason = "has an invalid EIP-55 checksum (mixed case must match the checksum; use all lower case to skip it)";
            return null;
        }
        return AddressUtil.Current.ConvertToChecksumAddress(item);
    }
}
