using Nethereum.Util;

namespace Dixie.FinnEmulator.Agent;

internal static class Wallets
{
    /// <summary><c>0x</c> followed by exactly 40 hex digits, either case.</summary>
    public static bool IsAddress(string? text) =>
        text is { Length: 42 } && text[0] == '0' && text[1] == 'x' && text.AsSpan(2).ContainsAnyExcept(HexDigits) is false;

    public static string Checksum(string address) => AddressUtil.Current.ConvertToChecksumAddress(address);

    public static string Checksum(ReadOnlySpan<byte> address20) => Checksum("0x" + Convert.ToHexStringLower(address20));

    private static readonly System.Buffers.SearchValues<char> HexDigits =
        System.Buffers.SearchValues.Create("0123456789abcdefABCDEF");
}
