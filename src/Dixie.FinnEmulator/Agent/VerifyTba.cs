using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Dixie.FinnEmulator.Admin;
using Dixie.FinnEmulator.Hosting;
using Dixie.FinnEmulator.Pipeline;

namespace Dixie.FinnEmulator.Agent;

/// <summary><c>POST /api/auth/verify-tba</c> (spec 11 §6.1): who signed, and which NFT the TBA belongs to.</summary>
public static class VerifyTba
{
    private const int MaxMessageLength = 4096;

    public static async Task HandleAsync(HttpContext context, TbaRegistry registry, TimeProvider clock)
    {
        if (!TryRead(BufferedBody.Of(context).Bytes, out var tba, out var signature, out var message))
        {
            await FinnResponses.InvalidRequestAsync(context);
            return;
        }
        var signerBytes = PersonalSign.RecoverSigner(message, signature);
        var entry = registry.Find(tba);
        var signer = signerBytes is null ? null : Wallets.Checksum(signerBytes);
        if (signer is null || (entry is not null && !string.Equals(entry.OwnerWallet, signer, StringComparison.OrdinalIgnoreCase)))
        {
            await FinnResponses.WriteErrorAsync(context, StatusCodes.Status401Unauthorized, "Invalid signature", "INVALID_SIGNATURE");
            return;
        }
        var (nftContract, tokenId) = Derive(tba);
        var verified = new TbaVerification(
            Wallets.Checksum(entry?.ReportedTbaAddress ?? tba),
            Wallets.Checksum(entry?.NftContract ?? nftContract),
            entry?.TokenId ?? tokenId,
            signer,
            Iso.Format(clock.GetUtcNow()),
            Cached: false);
        await FinnResponses.WriteJsonAsync(context, 200, verified, EmulatorJsonContext.Default.TbaVerification);
    }

    /// <summary>
    /// The stand-in for an on-chain lookup: h = SHA-256 of the lower-case address; the contract is
    /// h[0..20), the token id (uint32 of h[20..24)) mod 10000 + 1.
    /// </summary>
    public static (string NftContract, string TokenId) Derive(string tbaAddress)
    {
        Span<byte> h = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(tbaAddress.ToLowerInvariant()), h);
        var tokenId = BinaryPrimitives.ReadUInt32BigEndian(h[20..24]) % 10_000 + 1;
        return ("0x" + Convert.ToHexStringLower(h[..20]), tokenId.ToString(CultureInfo.InvariantCulture));
    }

    private static bool TryRead(ReadOnlyMemory<byte> body, out string tba, out byte[] signature, out string message)
    {
        tba = message = "";
        signature = [];
        using var document = JsonBody.ParseObject(body);
        if (document is null)
        {
            return false;
        }
        var root = document.RootElement;
        if (!TryString(root, "tbaAddress", out tba) || !Wallets.IsAddress(tba)
            || !TryString(root, "signature", out var signatureText) || !TryString(root, "message", out message)
            || message.Length is 0 or > MaxMessageLength
            || signatureText.Length != 132 || !signatureText.StartsWith("0x", StringComparison.Ordinal))
        {
            return false;
        }
        try
        {
            signature = Convert.FromHexString(signatureText.AsSpan(2));
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private static bool TryString(JsonElement root, string name, out string value)
    {
        value = "";
        if (!root.TryGetProperty(name, out var element) || element.ValueKind != JsonValueKind.String)
        {
            return false;
        }
        try
        {
            value = element.GetString() ?? "";
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }
}

public sealed record TbaVerification(string TbaAddress, string NftContract, string TokenId, string OwnerWallet, string VerifiedAt, bool Cached);
