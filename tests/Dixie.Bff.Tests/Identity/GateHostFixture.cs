using System.Text;
using Dixie.Bff.Features.Auth;
using Dixie.Bff.Tests.Allowlist;
using Dixie.Bff.Tests.Auth;
using Dixie.Bff.Tests.Infrastructure;
using Dixie.Bff.Tests.Support;

namespace Dixie.Bff.Tests.Identity;

/// <summary>
/// One service whose allowlist file lists <see cref="ListedWallet"/> and <see cref="ListedKey"/>,
/// for the gate and identity suites. Credentials are real: tokens come from the service's issuer
/// or are signed with its key.
/// </summary>
public sealed class GateHostFixture : IAsyncLifetime
{
    public static readonly string ListedWallet = AllowlistTesting.NewWallet();
    public static readonly string UnlistedWallet = AllowlistTesting.NewWallet();
    public static readonly string ListedKey = AllowlistTesting.NewApiKey();
    public static readonly string UnlistedKey = AllowlistTesting.NewApiKey();

    public DixieHost Host { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var path = AllowlistTesting.NewPath();
        AllowlistTesting.Write(path, AllowlistTesting.FileWith([ListedWallet], [AllowlistTesting.Digest(ListedKey)]));
        Host = await DixieHost.StartAsync(new DixieHostOptions
        {
            Environment =
            {
                ["DIXIE_ALLOWLIST_PATH"] = path,
                ["REDIS_URL"] = (await SharedServers.GetAsync()).Redis.Url,
                ["DIXIE_REDIS_PREFIX"] = AuthHost.NewPrefix(),
                ["DIXIE_RATE_LIMIT_RPM"] = "1000000",
            },
        });
    }

    public async Task DisposeAsync() => await Host.DisposeAsync();

    public string Token(string wallet) => Host.Get<TokenIssuer>().Issue(wallet).Token;

    /// <summary>A token of <paramref name="kind"/> and the `error_type` its rejection must log.</summary>
    public async Task<(string Token, string ErrorType)> BadTokenAsync(string kind)
    {
        var key = Encoding.UTF8.GetBytes(Host.Environment["DIXIE_JWT_PRIVATE_KEY"]!);
        var now = DateTimeOffset.UtcNow;
        switch (kind)
        {
            case "expired":
                return (TestJwt.Hs256(TestJwt.Claims(ListedWallet, now.AddHours(-2)), key), "expired");
            case "wrong_audience":
                var claims = TestJwt.Claims(ListedWallet, now);
                claims["aud"] = "someone-else";
                return (TestJwt.Hs256(claims, key), "invalid_claims");
            case "tampered":
                var parts = Token(ListedWallet).Split('.');
                var payload = TestJwt.Claims(UnlistedWallet, now);
                return ($"{parts[0]}.{TestJwt.Encode(payload)}.{parts[2]}", "invalid_signature");
            case "revoked":
                var issued = Host.Get<TokenIssuer>().Issue(ListedWallet);
                await Host.Get<RevocationStore>().RevokeTokenAsync(issued.Jti, issued.ExpiresAt, CancellationToken.None);
                return (issued.Token, "revoked");
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, null);
        }
    }
}
