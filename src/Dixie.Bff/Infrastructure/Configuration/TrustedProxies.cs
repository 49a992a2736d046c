using System.Net;
using System.Net.Sockets;

namespace Dixie.Bff.Infrastructure.Configuration;

/// <summary>`DIXIE_TRUSTED_PROXIES`: addresses or CIDR blocks whose forwarded headers are honoured.</summary>
internal static class TrustedProxies
{
    public const string Variable = "DIXIE_TRUSTED_PROXIES";

    public static IReadOnlyList<IPNetwork> Parse(EnvReader reader)
    {
        var networks = new List<IPNetwork>();
        foreach (var (position, item) in reader.Csv(Variable))
        {
            if (TryParse(item) is not { } network)
            {
                reader.Problem(Variable, $"item {position} ({EnvReader.Quote(item)}) must be an IP address or address/prefix (CIDR)");
                continue;
            }
            if (network.PrefixLength == 0)
            {
                reader.Warn(Variable, $"item {position} ({EnvReader.Quote(item)}) trusts every address of its family; any client can then forge X-Forwarded-For");
            }
            if (!networks.Contains(network))
            {
                networks.Add(network);
            }
        }
        return networks;
    }

    internal static IPNetwork? TryParse(string item)
    {
        var slash = item.IndexOf('/');
        var addressText = slash >= 0 ? item[..slash] : item;
        if (!TryParseAddress(addressText, out var address))
        {
            return null;
        }
        var maxPrefix = address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
        long prefix = maxPrefix;
        if (slash >= 0 && !EnvReader.TryParseInteger(item[(slash + 1)..], 0, maxPrefix, out prefix))
        {
            return null;
        }
        if (address.IsIPv4MappedToIPv6 && prefix >= 96)
        {
            // Peers are compared as IPv4 (spec 02 §2), so `::ffff:10.0.0.1` is the proxy 10.0.0.1.
            address = address.MapToIPv4();
            prefix -= 96;
        }
        // `10.1.2.3/8` names the block 10.0.0.0/8; IPNetwork insists on the masked base address.
        return new IPNetwork(Mask(address, (int)prefix), (int)prefix);
    }

    private static bool TryParseAddress(string text, out IPAddress address)
    {
        // IPAddress.TryParse also takes shorthand like "10" or "10.1"; only dotted quads and IPv6 count.
        var isDottedQuad = text.Count(c => c == '.') == 3 && text.All(c => char.IsAsciiDigit(c) || c == '.');
        return IPAddress.TryParse(text, out address!)
            && (address.AddressFamily == AddressFamily.InterNetworkV6 ? !text.Contains('%', StringComparison.Ordinal) : isDottedQuad);
    }

    private static IPAddress Mask(IPAddress address, int prefix)
    {
        var bytes = address.GetAddressBytes();
        for (var bit = prefix; bit < bytes.Length * 8; bit++)
        {
            bytes[bit / 8] &= (byte)~(0x80 >> (bit % 8));
        }
        return new IPAddress(bytes);
    }
}
