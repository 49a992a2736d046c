using System.Net;
using Dixie.Bff.Features.Allowlist;
using Dixie.Bff.Features.Auth;
using Dixie.Bff.Tests.Allowlist;
using Microsoft.Extensions.DependencyInjection;

namespace Dixie.Bff.Tests.Auth;

/// <summary>
/// Spec 04 §5.3: before the allowlist check of a sign-in, a wallet watermark newer than the list in
/// memory makes the instance re-read the file, so a stale list cannot issue a token to a removed wallet.
/// </summary>
public sealed class StaleAllowlistTests
{
    [Fact]
    public async Task Sign_in_rereads_a_list_older_than_the_wallets_watermark()
    {
        var wallet = Hardhat.NewWallet();
        var path = AllowlistTesting.NewPath();
        await File.WriteAllTextAsync(path, $$"""{"wallets":["{{wallet.Address}}"]}""");
        // Neither trigger runs: the edit below stays unseen until something re-reads the file.
        await using var host = await AuthHost.StartAsync(
            new() { ["DIXIE_SIWE_NONCE_MODE"] = "format", ["DIXIE_ALLOWLIST_PATH"] = path },
            services: services => services.AddSingleton(new AllowlistOptions { WatchDirectory = false, PollInterval = null }));

        await AuthAssert.SignedInAsync(await host.SignInAsync(new SiweText { Address = wallet.Address, IssuedAt = DateTimeOffset.UtcNow }, wallet));
        await File.WriteAllTextAsync(path, """{"wallets":[]}""");
        // Without a watermark the list in memory is trusted as it is.
        await AuthAssert.SignedInAsync(await host.SignInAsync(new SiweText { Address = wallet.Address, IssuedAt = DateTimeOffset.UtcNow }, wallet));
        Assert.True(host.Get<CurrentAllowlist>().Snapshot.ContainsWallet(wallet.Address));

        // Another instance removed the wallet: its watermark is newer than this instance's load.
        await host.Get<RevocationStore>().RevokeWalletAsync(wallet.Address, CancellationToken.None);
        var response = await host.SignInAsync(new SiweText { Address = wallet.Address, IssuedAt = DateTimeOffset.UtcNow }, wallet);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("""{"error":"forbidden","message":"Wallet not authorized"}""", await response.Content.ReadAsStringAsync());
        Assert.False(host.Get<CurrentAllowlist>().Snapshot.ContainsWallet(wallet.Address));
    }
}
