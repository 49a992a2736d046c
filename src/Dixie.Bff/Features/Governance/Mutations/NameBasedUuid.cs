using System.Security.Cryptography;
using System.Text;

namespace Dixie.Bff.Features.Governance.Mutations;

/// <summary>RFC 9562 UUID version 5: SHA-1 of a namespace and a name, so the same name always gives the same id.</summary>
public static class NameBasedUuid
{
    public static Guid Create(Guid namespaceId, string name)
    {
        var nameBytes = Encoding.UTF8.GetBytes(name);
        var input = new byte[16 + nameBytes.Length];
        namespaceId.TryWriteBytes(input, bigEndian: true, out _);
        nameBytes.CopyTo(input, 16);
        Span<byte> digest = stackalloc byte[20];
#pragma warning disable CA5350 // SHA-1 is what UUID v5 is defined over; it is an identifier, not a security boundary.
        SHA1.HashData(input, digest);
#pragma warning restore CA5350
        var bytes = digest[..16];
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x50);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes, bigEndian: true);
    }
}
