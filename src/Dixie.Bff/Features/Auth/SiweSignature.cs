using System.Text;
using NBitcoin.Secp256k1;
using Nethereum.Util;

namespace Dixie.Bff.Features.Auth;

/// <summary>
/// EIP-191 `personal_sign` verification of spec 04 §3.4: a 65-byte `r ‖ s ‖ v` signature, low-s
/// only, recovered with NBitcoin.Secp256k1 over the exact message bytes.
/// </summary>
public static class SiweSignature
{
    public const string Malformed = "signature_malformed";
    public const string HighS = "signature_high_s";
    public const string BadV = "signature_bad_v";
    public const string Mismatch = "signature_mismatch";

    // The secp256k1 group order n and ⌊n/2⌋, big-endian (EIP-2: s above n/2 is the malleable twin).
    private static ReadOnlySpan<byte> Order =>
    [
        0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFE,
        0xBA, 0xAE, 0xDC, 0xE6, 0xAF, 0x48, 0xA0, 0x3B, 0xBF, 0xD2, 0x5E, 0x8C, 0xD0, 0x36, 0x41, 0x41,
    ];

    private static ReadOnlySpan<byte> HalfOrder =>
    [
        0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
        0x5D, 0x57, 0x6E, 0x73, 0x57, 0xA4, 0x50, 0x1D, 0xDF, 0xE9, 0x2F, 0x46, 0x68, 0x1B, 0x20, 0xA0,
    ];

    /// <summary>keccak256(0x19 ‖ "Ethereum Signed Message:\n" ‖ decimal byte length ‖ message bytes).</summary>
    public static byte[] PersonalMessageHash(string message)
    {
        var body = Encoding.UTF8.GetBytes(message);
        var prefix = Encoding.UTF8.GetBytes($"\u0019Ethereum Signed Message:\n{body.Length}");
        return new Sha3Keccack().CalculateHash([.. prefix, .. body]);
    }

    /// <summary>Null when <paramref name="signature"/> is <paramref name="address"/>'s signature of <paramref name="message"/>; else the reason.</summary>
    public static string? Verify(string signature, string message, string address)
    {
        if (signature.Length != 132 || !signature.StartsWith("0x", StringComparison.Ordinal)) return Malformed;
        Span<byte> bytes = stackalloc byte[65];
        if (Convert.FromHexString(signature.AsSpan(2), bytes, out _, out var written) != System.Buffers.OperationStatus.Done || written != 65)
            return Malformed;

        // Wallets send v as 27/28 (Ethereum's convention) or as the bare recovery id 0/1.
        var recoveryId = bytes[64] switch
        {
            27 or 28 => bytes[64] - 27,
            0 or 1 => bytes[64],
            _ => -1,
        };
        if (recoveryId < 0) return BadV;

        var r = bytes[..32];
        var s = bytes[32..64];
        if (IsZero(r) || IsZero(s) || r.SequenceCompareTo(Order) >= 0 || s.SequenceCompareTo(Order) >= 0) return Malformed;
        if (s.SequenceCompareTo(HalfOrder) > 0) return HighS;

        var recovered = Recover(bytes[..64], recoveryId, PersonalMessageHash(message));
        Span<byte> expected = stackalloc byte[20];
        Convert.FromHexString(address.AsSpan(2), expected, out _, out _);
        return recovered is not null && !IsZero(recovered) && recovered.AsSpan().SequenceEqual(expected) ? null : Mismatch;
    }

    /// <summary>The 20-byte address whose key made the compact signature, or null when none can be recovered.</summary>
    private static byte[]? Recover(ReadOnlySpan<byte> compact, int recoveryId, byte[] digest)
    {
        if (!SecpRecoverableECDSASignature.TryCreateFromCompact(compact, recoveryId, out var signature) || signature is null
            || !ECPubKey.TryRecover(Context.Instance, signature, digest, out var publicKey) || publicKey is null)
        {
            return null;
        }
        Span<byte> uncompressed = stackalloc byte[65];
        publicKey.WriteToSpan(false, uncompressed, out _);
        // The address is the last 20 bytes of Keccak-256 over the key without its 0x04 prefix.
        return new Sha3Keccack().CalculateHash(uncompressed[1..].ToArray())[12..];
    }

    private static bool IsZero(ReadOnlySpan<byte> value) => !value.ContainsAnyExcept((byte)0);
}
