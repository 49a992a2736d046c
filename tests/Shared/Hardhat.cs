using NBitcoin.Secp256k1;
using Nethereum.Util;

namespace Dixie.Testing;

/// <summary>
/// The publicly known Hardhat test accounts (spec 04 §9) and an EIP-191 `personal_sign` built on
/// libraries directly, independent of the service's own verification code.
/// </summary>
public sealed record Hardhat(string PrivateKey, string Address)
{
    public static readonly Hardhat Account0 = new("ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80", "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266");
    public static readonly Hardhat Account1 = new("59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d", "0x70997970C51812dc3A010C7d01b50e0d17dc79C8");

    /// <summary>A fresh key and its EIP-55 address: each test that needs its own wallet gets one.</summary>
    public static Hardhat NewWallet()
    {
        var secret = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
        return new Hardhat(Convert.ToHexStringLower(secret), AddressOf(secret));
    }

    /// <summary>`0x` + r ‖ s ‖ v (v = 27/28), RFC 6979 nonce and low s, as wallets produce it.</summary>
    public string Sign(string message)
    {
        var hash = PersonalHash(message);
        using var key = Context.Instance.CreateECPrivKey(Convert.FromHexString(PrivateKey));
        if (!key.TrySignRecoverable(hash, out var signature) || signature is null) throw new InvalidOperationException("signing failed");
        Span<byte> compact = stackalloc byte[64];
        signature.WriteToSpanCompact(compact, out var recoveryId);
        return "0x" + Convert.ToHexStringLower(compact) + Convert.ToHexStringLower([(byte)(27 + recoveryId)]);
    }

    public static byte[] PersonalHash(string message)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(message);
        var prefixed = System.Text.Encoding.UTF8.GetBytes($"\u0019Ethereum Signed Message:\n{bytes.Length}").Concat(bytes).ToArray();
        return new Sha3Keccack().CalculateHash(prefixed);
    }

    private static string AddressOf(byte[] secret)
    {
        using var key = Context.Instance.CreateECPrivKey(secret);
        var publicKey = key.CreatePubKey().ToBytes(false);
        var lower = "0x" + Convert.ToHexStringLower(new Sha3Keccack().CalculateHash(publicKey[1..])[12..]);
        return new AddressUtil().ConvertToChecksumAddress(lower);
    }
}
