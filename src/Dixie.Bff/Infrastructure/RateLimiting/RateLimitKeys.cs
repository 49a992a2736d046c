using System.Net;
using System.Net.Sockets;
using Dixie.Bff.Infrastructure.Identity;

namespace Dixie.Bff.Infrastructure.RateLimiting;

/// <summary>
/// Whose budget a request spends (spec 02 §10.2): wallet, then API key id, then the client IP,
/// where an IPv6 client stands for its whole /64 (one subscriber usually holds at least that).
/// </summary>
public static class RateLimitKeys
{
    /// <summary>The `default` policy key.</summary>
    public static string ForIdentity(RequestIdentity identity, IPAddress? clientIp) => identity switch
    {
        { Kind: IdentityKind.Wallet, Wallet: { } wallet } => "wallet:" + wallet.ToLowerInvariant(),
        { Kind: IdentityKind.ApiKey, ApiKeyId: { } keyId } => "key:" + keyId,
        _ => ForClientIp(clientIp),
    };

    /// <summary>`ip:&lt;IPv4&gt;` or `ip:&lt;IPv6 /64 base&gt;/64`; an IPv4-mapped IPv6 address counts as IPv4.</summary>
    public static string ForClientIp(IPAddress? clientIp)
    {
        if (clientIp is null) return "ip:unknown";
        if (clientIp.IsIPv4MappedToIPv6) clientIp = clientIp.MapToIPv4();
        if (clientIp.AddressFamily != AddressFamily.InterNetworkV6) return "ip:" + clientIp;

        Span<byte> bytes = stackalloc byte[16];
        clientIp.TryWriteBytes(bytes, out _);
        bytes[8..].Clear();
        // A new address also drops any scope id (`%eth0`), which is no part of the network.
        return $"ip:{new IPAddress(bytes)}/64";
    }
}
