namespace Dixie.Bff.Tests.Auth;

/// <summary>
/// One deployment per signing mode: <see cref="Hs"/> with a known 64-hex-character HS256 secret and
/// <see cref="Es"/> with the scalar-1 P-256 key of spec 04 §9 (whose `kid` is golden).
/// </summary>
public sealed class TokenHosts : IAsyncLifetime
{
    public const string HmacSecret = "4f1c2a9be07d3358c6a1f0e24b7d9c8e5a3f6b2d1e0c9a8b7f6e5d4c3b2a1908";

    public AuthHost Hs { get; private set; } = null!;
    public AuthHost Es { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        using var key = TestJwt.ScalarOneKey();
        var hs = AuthHost.StartAsync(new() { ["DIXIE_JWT_PRIVATE_KEY"] = HmacSecret });
        var es = AuthHost.StartAsync(new() { ["DIXIE_JWT_PRIVATE_KEY"] = key.ExportPkcs8PrivateKeyPem(), ["DIXIE_JWT_ALG"] = "ES256" });
        Hs = await hs;
        Es = await es;
    }

    public async Task DisposeAsync()
    {
        await Hs.DisposeAsync();
        await Es.DisposeAsync();
    }
}
