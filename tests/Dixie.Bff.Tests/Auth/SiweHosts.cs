namespace Dixie.Bff.Tests.Auth;

/// <summary>
/// The two deployments the sign-in suite needs: <see cref="Strict"/> (the defaults: strict nonces,
/// any chain, 600 s maximum age) and <see cref="Variant"/> (format nonces, chains 1 and 137,
/// 3600 s maximum age). Hardhat #0 is on both allowlists, Hardhat #1 on neither.
/// </summary>
public sealed class SiweHosts : IAsyncLifetime
{
    public const string StrictDomains = "localhost,127.0.0.1,[::1]:3001,app.example.com:8443";

    public AuthHost Strict { get; private set; } = null!;
    public AuthHost Variant { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var strict = AuthHost.StartAsync(new() { ["DIXIE_SIWE_DOMAINS"] = StrictDomains });
        var variant = AuthHost.StartAsync(new()
        {
            ["DIXIE_SIWE_NONCE_MODE"] = "format",
            ["DIXIE_SIWE_CHAIN_IDS"] = "1,137",
            ["DIXIE_SIWE_MAX_AGE_SECONDS"] = "3600",
        });
        Strict = await strict;
        Variant = await variant;
        Strict.Allow(Hardhat.Account0.Address);
        Variant.Allow(Hardhat.Account0.Address);
    }

    public async Task DisposeAsync()
    {
        await Strict.DisposeAsync();
        await Variant.DisposeAsync();
    }
}
