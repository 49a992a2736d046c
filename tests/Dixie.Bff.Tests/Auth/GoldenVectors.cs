namespace Dixie.Bff.Tests.Auth;

/// <summary>Spec 04 §9, verbatim.</summary>
public static class GoldenVectors
{
    public const string M1 = """
        localhost:3001 wants you to sign in with your Ethereum account:
        0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266

        Sign in to Dixie BFF

        URI: http://localhost:3001
        Version: 1
        Chain ID: 1
        Nonce: Gx3vQ9LmT2pR8sKd4WzN7yHb5JcF1aE6
        Issued At: 2026-01-15T10:00:00.000Z
        Expiration Time: 2026-01-15T10:10:00.000Z
        """;

    public const string M2 = """
        localhost:3001 wants you to sign in with your Ethereum account:
        0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266


        URI: http://localhost:3001
        Version: 1
        Chain ID: 1
        Nonce: Gx3vQ9LmT2pR8sKd4WzN7yHb5JcF1aE6
        Issued At: 2026-01-15T10:00:00.000Z
        """;

    public const string Nonce = "Gx3vQ9LmT2pR8sKd4WzN7yHb5JcF1aE6";
    public const string M1Hash = "0xff245edf7e8559b57304a1cb98ce36134a76abc0f971e21e66375a7cb5fd8a43";
    public const string M1Signature = "0xf2adc292e552d5a9a594edbb6fdfd3d4fcc333f15606410d628441d7e0af5977389f41d91bd418e02d0d2b3ee8e1e32a77be4d18fb76b5353e1dd028b2b36cf91c";
    public const string M1SignatureHighS = "0xf2adc292e552d5a9a594edbb6fdfd3d4fcc333f15606410d628441d7e0af5977c760be26e42be71fd2f2d4c1171e1cd442f08fcdb3d1eb0681b48e641d82d4481b";
    public const string M1SignedByAccount1 = "0xa1a5122079bbb22ee371369963ef93c27e90df95cce9b7d1b2a8d0bc31a679070eee317b527dfab8bc3e6dc8e5e6fd46c916b4253fc48062e37c97ffb6daaa0a1c";
    public const string M2Signature = "0xedbce0ef05fac0b3895ae6b906ff55561997ea4b7c114f327447761ee01208ed7479343d2b8c5acaa6775f05faff55a94e22ed5b1c24bb6bcb83930c2321897e1b";

    /// <summary>The clock of the golden sign-in: 30 s after M1's Issued At.</summary>
    public static readonly DateTimeOffset SignInTime = new(2026, 1, 15, 10, 0, 30, TimeSpan.Zero);

    /// <summary>`wallet_hash` of Hardhat #0: the first 12 hex of SHA-256 over the lower-case address.</summary>
    public const string Account0WalletHash = "dffe1949d232";

    public const string ScalarOneX = "axfR8uEsQkf4vOblY6RA8ncDfYEt6zOg9KE5RdiYwpY";
    public const string ScalarOneY = "T-NC4v4af5uO5-tKfA-eFivOM1drMV7Oy7ZAaDe_UfU";
    public const string ScalarOneKid = "xx0BcA-wMohw8atYDJOe6peGModklG2wRHBlXHMvl0M";
}
