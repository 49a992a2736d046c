using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Dixie.Bff.Tests.Allowlist;
using Dixie.Bff.Tests.Auth;
using Dixie.Bff.Tests.Infrastructure;
using Dixie.Bff.Tests.Support;

namespace Dixie.Bff.Tests.Identity;

/// <summary>
/// Spec 04 §7.4 and §4.5 across two instances that share the allowlist file, the database, Redis
/// and the signing key: removing a wallet through one instance kills its tokens on both.
/// </summary>
[Trait("Category", "Security")]
public sealed class WalletRemovalTests
{
    [Fact]
    public async Task Removed_wallet_tokens_fail_within_one_second_on_every_instance()
    {
        var wallet = Hardhat.NewWallet();
        await using var pair = await InstancePair.StartAsync(wallet.Address);
        var token = await pair.SignInAsync(pair.A, wallet);
        Assert.Equal(HttpStatusCode.OK, (await TokenTests.VerifyAsync(pair.B, "Bearer " + token)).StatusCode);

        var removal = Stopwatch.StartNew();
        using (var removed = await pair.A.Client.SendAsync(AllowlistTesting.Admin(HttpMethod.Delete, "/api/admin/allowlist/" + wallet.Address)))
            Assert.Equal(HttpStatusCode.OK, removed.StatusCode);

        var refusedAtB = await Eventually.ValueAsync(
            () => TokenTests.VerifyAsync(pair.B, "Bearer " + token), response => response.StatusCode == HttpStatusCode.Unauthorized,
            TimeSpan.FromSeconds(1), last => $"B still accepted the token: {last.StatusCode}");
        Assert.True(removal.Elapsed < TimeSpan.FromSeconds(1.5), $"took {removal.Elapsed}");
        await AuthAssert.TokenRejectedAsync(pair.B, refusedAtB, "revoked", token);

        // B may not have seen the file change yet; the watermark makes it re-read before deciding.
        using var again = await pair.B.SignInAsync(new SiweText { Address = wallet.Address, IssuedAt = DateTimeOffset.UtcNow }, wallet);
        await ErrorAssert.IsErrorAsync(again, HttpStatusCode.Forbidden, "forbidden", "Wallet not authorized");
    }

    [Fact]
    public async Task Readded_wallet_old_tokens_stay_revoked()
    {
        var wallet = Hardhat.NewWallet();
        await using var pair = await InstancePair.StartAsync(wallet.Address);
        var old = await pair.SignInAsync(pair.A, wallet);

        using (var removed = await pair.A.Client.SendAsync(AllowlistTesting.Admin(HttpMethod.Delete, "/api/admin/allowlist/" + wallet.Address)))
            Assert.Equal(HttpStatusCode.OK, removed.StatusCode);
        using var readd = AllowlistTesting.Admin(HttpMethod.Post, "/api/admin/allowlist", JsonContent.Create(new { type = "wallet", value = wallet.Address }));
        using (var readded = await pair.A.Client.SendAsync(readd))
            Assert.Equal(HttpStatusCode.Created, readded.StatusCode);

        await AuthAssert.TokenRejectedAsync(pair.A, await TokenTests.VerifyAsync(pair.A, "Bearer " + old), "revoked", old);
        await AuthAssert.TokenRejectedAsync(pair.B, await TokenTests.VerifyAsync(pair.B, "Bearer " + old), "revoked", old);

        // The watermark is the next whole second: a sign-in one second later gets a token that lives.
        await Task.Delay(TimeSpan.FromSeconds(1.1));
        var fresh = await pair.SignInAsync(pair.B, wallet);
        Assert.Equal(HttpStatusCode.OK, (await TokenTests.VerifyAsync(pair.A, "Bearer " + fresh)).StatusCode);
    }

    private sealed class InstancePair : IAsyncDisposable
    {
        private InstancePair(AuthHost a, AuthHost b) => (A, B) = (a, b);

        public AuthHost A { get; }
        public AuthHost B { get; }

        public static async Task<InstancePair> StartAsync(string listedWallet)
        {
            var path = AllowlistTesting.NewPath();
            AllowlistTesting.Write(path, AllowlistTesting.FileWith([listedWallet]));
            var shared = new Dictionary<string, string?>
            {
                ["DIXIE_ALLOWLIST_PATH"] = path,
                ["DATABASE_URL"] = await (await SharedServers.GetAsync()).Postgres.CreateDatabaseAsync(),
                ["DIXIE_JWT_PRIVATE_KEY"] = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
                ["DIXIE_SIWE_NONCE_MODE"] = "format",
            };
            var prefix = AuthHost.NewPrefix();
            var a = await AuthHost.StartAsync(new(shared), redisPrefix: prefix);
            return new InstancePair(a, await AuthHost.StartAsync(new(shared), redisPrefix: prefix));
        }

        public async Task<string> SignInAsync(AuthHost host, Hardhat wallet)
        {
            using var response = await host.SignInAsync(new SiweText { Address = wallet.Address, IssuedAt = DateTimeOffset.UtcNow }, wallet);
            return (await AuthAssert.SignedInAsync(response)).GetProperty("token").GetString()!;
        }

        public async ValueTask DisposeAsync()
        {
            await A.DisposeAsync();
            await B.DisposeAsync();
        }
    }
}
