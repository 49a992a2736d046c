using System.Globalization;
using System.Text;
using NBitcoin.Secp256k1;
using Nethereum.Util;

namespace Dixie.FinnEmulator.Agent;

/// <summary>EIP-191 <c>personal_sign</c> signer recovery (spec 11 §6.1).</summary>
public static class PersonalSign
{
    /// <summary>
    /// The 20-byte address that signed <paramref name="message"/>, or null when the 65-byte signature
    /// (r ‖ s ‖ v, v in 27/28 or 0/1) recovers no key. High s is accepted, as wallets' recovery does.
    /// </summary>
    public static byte[]? RecoverSigner(string message, ReadOnlySpan<byte> signature)
    {
        if (signature.Length != 65)
        {
            return null;
        }
        var v = signature[64];
        var recoveryId = v >= 27 ? v - 27 : v;
        if (recoveryId is not (0 or 1))
        {
            return null;
        }
        var digest = Keccak(PrefixedMessage(message));
        if (!SecpRecoverableECDSASignature.TryCreateFromCompact(signature[..64], recoveryId, out var recoverable)
            || !ECPubKey.TryRecover(Context.Instance, recoverable, digest, out var publicKey))
        {
            return null;
        }
        var uncompressed = publicKey.ToBytes(compressed: false);
        return Keccak(uncompressed[1..])[12..];
    }

    private static byte[] PrefixedMessage(string message)
    {
        var body = Encoding.UTF8.GetBytes(message);
        var prefix = Encoding.UTF8.GetBytes("\u0019Ethereum Signed Message:\n" + body.Length.ToString(CultureInfo.InvariantCulture));
        return [.. prefix, .. body];
    }

    private static byte[] Keccak(byte[] data) => Sha3Keccack.Current.CalculateHash(data);
}
