using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace Dixie.Bff.Infrastructure.Configuration;

/// <summary>`DIXIE_SIWE_DOMAINS`: accepted EIP-4361 `domain` values (spec 01 §3.3).</summary>
internal static partial class SiweDomains
{
    public const string Variable = "DIXIE_SIWE_DOMAINS";

    [GeneratedRegex(@"^(?=.{1,253}\z)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*\z")]
    private static partial Regex DnsName();

    /// <summary>The configured list, or (unset) the CORS origins' authorities plus the local names in development/test.</summary>
    public static (IReadOnlyList<string> Domains, bool Derived) Resolve(
        EnvReader reader, IReadOnlyList<string> corsOrigins, DixieEnvironment environment)
    {
        var domains = new List<string>();
        if (reader.IsSet(Variable))
        {
            foreach (var (position, item) in reader.Csv(Variable))
            {
                var domain = item.ToLowerInvariant();
                if (!IsValid(domain))
                {
                    reader.Problem(Variable, $"item {position} ({EnvReader.Quote(item)}) must be a host or host:port (DNS name, IPv4 address or [IPv6] address), without scheme or path");
                }
                else if (!domains.Contains(domain))
                {
                    domains.Add(domain);
                }
            }
            return (domains, false);
        }
        IEnumerable<string> derived = corsOrigins.Select(CorsOrigins.Authority);
        if (environment is DixieEnvironment.Development or DixieEnvironment.Test)
        {
            derived = derived.Concat(["localhost", "127.0.0.1"]);
        }
        return (derived.Distinct(StringComparer.Ordinal).ToList(), true);
    }

    private static bool IsValid(string domain)
    {
        string host;
        string? port = null;
        if (domain.StartsWith('['))
        {
            var close = domain.IndexOf(']');
            if (close < 0 || !IPAddress.TryParse(domain[1..close], out var address) || address.AddressFamily != AddressFamily.InterNetworkV6)
            {
                return false;
            }
            var rest = domain[(close + 1)..];
            if (rest.Length > 0 && rest[0] != ':')
            {
                return false;
            }
            return rest.Length == 0 || EnvReader.TryParseInteger(rest[1..], 1, 65535, out _);
        }
        var colon = domain.IndexOf(':');
        host = colon >= 0 ? domain[..colon] : domain;
        if (colon >= 0)
        {
            port = domain[(colon + 1)..];
        }
        return DnsName().IsMatch(host) && (port is null || EnvReader.TryParseInteger(port, 1, 65535, out _));
    }
}
