using Dixie.Bff.Infrastructure.Configuration;

namespace Dixie.Bff.Features.Auth;

/// <summary>
/// Steps 2–7 of spec 04 §3.3: the deployment's own rules on a well-formed message — domain, chain,
/// and the time window, with 60 s of skew for the client's clock.
/// </summary>
public sealed class SiweRules
{
    public static readonly TimeSpan Skew = TimeSpan.FromSeconds(60);

    private readonly (string Host, int? Port)[] _domains;
    private readonly HashSet<long> _chainIds;
    private readonly TimeSpan _maxAge;
    private readonly TimeProvider _time;

    public SiweRules(DixieConfig config, TimeProvider time)
    {
        _domains = [.. config.Auth.SiweDomains.Select(ParseDomain)];
        _chainIds = [.. config.Auth.SiweChainIds];
        _maxAge = TimeSpan.FromSeconds(config.Auth.SiweMaxAgeSeconds);
        _time = time;
    }

    /// <summary>Null when the message passes, else the reason of the first failing step.</summary>
    public string? Check(SiweMessage message)
    {
        if (!IsDomainAllowed(message)) return "domain_not_allowed";
        if (_chainIds.Count > 0 && !_chainIds.Contains(message.ChainId)) return "chain_not_allowed";
        var now = _time.GetUtcNow();
        if (message.IssuedAt > now + Skew) return "issued_at_in_future";
        if (now - message.IssuedAt > _maxAge) return "issued_at_too_old";
        // The skew moves `now`, never the message's times, which may sit at the calendar's ends.
        if (message.ExpirationTime is { } expiration && now - Skew >= expiration) return "expired";
        if (message.NotBefore is { } notBefore && now + Skew < notBefore) return "not_yet_valid";
        return null;
    }

    /// <summary>Host case-insensitively; an item without a port matches any port, one with a port only that port.</summary>
    private bool IsDomainAllowed(SiweMessage message)
    {
        foreach (var (host, port) in _domains)
        {
            if (string.Equals(host, message.Host, StringComparison.OrdinalIgnoreCase) && (port is null || port == message.Port)) return true;
        }
        return false;
    }

    private static (string, int?) ParseDomain(string item) =>
        // Spec 01 validated every item already; an item the EIP-4361 grammar cannot read matches nothing.
        SiweGrammar.TryParseDomain(item, out var host, out var port) ? (host, port) : ("", -1);
}
