using System.Net;
using Dixie.Bff.Infrastructure.Identity;
using Dixie.Bff.Infrastructure.RateLimiting;

namespace Dixie.Bff.Tests.RateLimiting;

public sealed class RateLimitKeyTests
{
    private const string Hardhat = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";
    private static readonly IPAddress Client = IPAddress.Parse("198.51.100.7");

    private static RequestIdentity Wallet(string address = Hardhat) =>
        new() { Kind = IdentityKind.Wallet, Wallet = address, Credential = "valid" };

    private static RequestIdentity ApiKey(string id) => new() { Kind = IdentityKind.ApiKey, ApiKeyId = id, Credential = "valid" };

    [Fact]
    public void Wallet_identity_keys_on_the_lower_case_address()
    {
        Assert.Equal("wallet:0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266", RateLimitKeys.ForIdentity(Wallet(), Client));
    }

    [Fact]
    public void Wallet_takes_precedence_over_api_key_which_takes_precedence_over_ip()
    {
        // An identity holds one kind; the precedence is which kind the key follows when it is set.
        var walletWithKeyId = Wallet() with { ApiKeyId = "k-1" };
        var apiKeyWithWallet = ApiKey("k-1") with { Wallet = Hardhat };

        Assert.StartsWith("wallet:", RateLimitKeys.ForIdentity(walletWithKeyId, Client), StringComparison.Ordinal);
        Assert.Equal("key:k-1", RateLimitKeys.ForIdentity(apiKeyWithWallet, Client));
        Assert.Equal("ip:198.51.100.7", RateLimitKeys.ForIdentity(RequestIdentity.Anonymous, Client));
    }

    [Theory]
    [InlineData("invalid_token")]
    [InlineData("unlisted_api_key")]
    [InlineData("admin_key_invalid")]
    [InlineData("admin_key_missing")]
    public void Rejected_credentials_spend_the_client_ip_budget(string credential)
    {
        var identity = new RequestIdentity { Kind = IdentityKind.Anonymous, Credential = credential };

        Assert.Equal("ip:198.51.100.7", RateLimitKeys.ForIdentity(identity, Client));
    }

    [Fact]
    public void Two_ipv6_addresses_in_one_64_share_a_key()
    {
        var a = RateLimitKeys.ForClientIp(IPAddress.Parse("2001:db8:1:2::1"));
        var b = RateLimitKeys.ForClientIp(IPAddress.Parse("2001:db8:1:2:ffff:ffff:ffff:ffff"));
        var otherNetwork = RateLimitKeys.ForClientIp(IPAddress.Parse("2001:db8:1:3::1"));

        Assert.Equal("ip:2001:db8:1:2::/64", a);
        Assert.Equal(a, b);
        Assert.Equal("ip:2001:db8:1:3::/64", otherNetwork);
    }

    [Fact]
    public void Ipv6_scope_id_is_not_part_of_the_key()
    {
        Assert.Equal("ip:fe80::/64", RateLimitKeys.ForClientIp(IPAddress.Parse("fe80::1%2")));
    }

    [Fact]
    public void Ipv4_mapped_ipv6_address_keys_as_ipv4()
    {
        Assert.Equal("ip:192.0.2.33", RateLimitKeys.ForClientIp(IPAddress.Parse("::ffff:192.0.2.33")));
        Assert.Equal("ip:192.0.2.33", RateLimitKeys.ForClientIp(IPAddress.Parse("192.0.2.33")));
    }

    [Fact]
    public void Redis_key_is_versioned_by_policy()
    {
        Assert.Equal("ratelimit:v2:default:wallet:0xabc", RedisRateLimiter.KeyFor("default", "wallet:0xabc").ToString());
        Assert.Equal("ratelimit:v2:reputation-query:ip:192.0.2.1", RedisRateLimiter.KeyFor("reputation-query", "ip:192.0.2.1").ToString());
    }
}
