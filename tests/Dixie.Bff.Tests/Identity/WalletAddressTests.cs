using Dixie.Bff.Features.Allowlist;
using Dixie.Bff.Infrastructure.Identity;

namespace Dixie.Bff.Tests.Identity;

public sealed class WalletAddressTests
{
    private const string Hardhat0 = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";

    // The test vectors of EIP-55 itself.
    [Theory]
    [InlineData("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed")]
    [InlineData("0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359")]
    [InlineData("0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB")]
    [InlineData("0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb")]
    [InlineData(Hardhat0)]
    public void Checksummed_addresses_are_recognised_from_any_case(string address)
    {
        Assert.True(WalletAddress.IsChecksummed(address));
        Assert.Equal(address, WalletAddress.ToChecksum(address.ToLowerInvariant()));
        Assert.True(WalletAddress.TryNormalize(address.ToLowerInvariant(), out var fromLower));
        Assert.True(WalletAddress.TryNormalize("0x" + address[2..].ToUpperInvariant(), out var fromUpper));
        Assert.Equal(address, fromLower);
        Assert.Equal(address, fromUpper);
    }

    [Theory]
    [InlineData("0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266")] // all lower: valid, but not the checksummed form
    [InlineData("0xF39Fd6e51aad88F6F4ce6aB8827279cffFb92266")] // one letter's case wrong
    public void Strict_check_refuses_anything_but_the_exact_checksum(string address) =>
        Assert.False(WalletAddress.IsChecksummed(address));

    [Theory]
    [InlineData("0xF39Fd6e51aad88F6F4ce6aB8827279cffFb92266")]
    [InlineData("0XF39FD6E51AAD88F6F4CE6AB8827279CFFFB92266")]
    [InlineData("0xf39Fd6e51aad88F6F4ce6aB8827279cffFb9226")]
    [InlineData("0xf39Fd6e51aad88F6F4ce6aB8827279cffFb922667")]
    [InlineData("0xg39Fd6e51aad88F6F4ce6aB8827279cffFb92266")]
    [InlineData("f39Fd6e51aad88F6F4ce6aB8827279cffFb92266")]
    [InlineData("")]
    [InlineData(null)]
    public void Malformed_or_wrongly_checksummed_addresses_do_not_normalise(string? address) =>
        Assert.False(WalletAddress.TryNormalize(address, out _));

    [Fact]
    public void Api_keys_match_by_digest_only_when_exactly_equal()
    {
        var digest = System.Security.Cryptography.SHA256.HashData("dxk_test_0123456789abcdefghijkl"u8);
        Assert.Equal("fb1faf278d70044e0f16d40263ecdfba360a87176cd296a4c6098b873f14ce89", Convert.ToHexStringLower(digest));
        var snapshot = new AllowlistSnapshot([Hardhat0], [digest], "h");
        Assert.True(snapshot.MatchesApiKey("dxk_test_0123456789abcdefghijkl"));
        Assert.False(snapshot.MatchesApiKey("dxk_test_0123456789abcdefghijkm"));
        Assert.False(snapshot.MatchesApiKey("dxk_test_0123456789abcdefghijk"));
        Assert.True(snapshot.ContainsWallet(Hardhat0));
        Assert.False(snapshot.ContainsWallet(Hardhat0.ToLowerInvariant()));
    }
}
