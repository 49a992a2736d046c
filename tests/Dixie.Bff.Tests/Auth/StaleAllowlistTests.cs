using System.Net;
using Dixie.Bff.Features.Allowlist;
using Dixie.Bff.Features.Auth;
using Microsoft.Extensions.DependencyInjection;

namespace Dixie.Bff.Tests.Auth;

/// <summary>
/// Spec 04 §5.3: before the allowlist check of a sign-in, a wallet watermark newer than the list in
/// memory makes the instance re-read the list, so a stale list cannot issue a token to a removed wallet.
/// </summary>
public sealed class StaleAllowlistTests
{
    [Fact]
    public async Task Sign_in_rereads_a_list_older_than_the_wallets_watermark()
    {
        var wallet = Hardhat.NewWallet();
        var rereads = 0;
        CurrentAllowlist? allowlist = null;
        // Plays the file loader: the file no longer lists the wallet, the list in memory still does.
        Task Reread(CancellationToken ct)
        {
            Interlocked.Increment(ref rereads);
            allowlist!.Replace(new AllowlistSnapshot([], [], "file"), DateTimeOffset.UtcNow);
            return Task.CompletedTask;
        }
        await using var host = await AuthHost.StartAsync(
            new() { ["DIXIE_SIWE_NONCE_MODE"] = "format" },
            services: services => services.AddSingleton<AllowlistRefresh>(Reread));
        allowlist = host.Get<CurrentAllowlist>();
        host.Allow(wallet.Address);

        // No watermark: the list in memory is used as it is.
        await AuthAssert.SignedInAsync(await host.SignInAsync(new SiweText { Address = wallet.Address, IssuedAt = DateTimeOffset.UtcNow }, wallet));
        Assert.Equal(0, rereads);

        await host.Get<RevocationStore>().RevokeWalletAsync(wallet.Address, CancellationToken.None);
        var response = await host.SignInAsync(new SiweText { Address = wallet.Address, IssuedAt = DateTimeOffset.UtcNow }, wallet);

        Assert.Equal(1, rereads);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("""{"error":"forbidden","message":"Wallet not authorized"}""", await response.Content.ReadAsStringAsync());
    }
}
