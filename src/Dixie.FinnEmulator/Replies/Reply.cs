using System.Security.Cryptography;
using System.Text;

namespace Dixie.FinnEmulator.Replies;

/// <summary>
/// The emulator's "model": answers are pure functions of the input text (spec 11 §3), so tests can
/// assert exact values.
/// </summary>
public static class Reply
{
    public const int PieceLength = 16;
    public const string ToolName = "echo_tool";

    /// <summary>First 16 lower-case hex characters of SHA-256 over the UTF-8 text.</summary>
    public static string Digest(string text)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        Sha256(text, hash);
        return Convert.ToHexStringLower(hash[..8]);
    }

    public static string For(string text) => "Emulated reply [" + Digest(text) + "]: " + text;

    public static bool TriggersTool(string text) => text.Contains("use tool", StringComparison.OrdinalIgnoreCase);

    /// <summary>Consecutive 16-unit pieces; a surrogate pair is never split across pieces.</summary>
    public static List<string> Pieces(string reply)
    {
        var pieces = new List<string>(reply.Length / PieceLength + 1);
        var start = 0;
        while (start < reply.Length)
        {
            var length = Math.Min(PieceLength, reply.Length - start);
            if (length == PieceLength && char.IsHighSurrogate(reply[start + length - 1]))
            {
                length--;
            }
            pieces.Add(reply.Substring(start, length));
            start += length;
        }
        return pieces;
    }

    /// <summary>ceil(UTF-8 byte length / 4).</summary>
    public static int Tokens(string text) => (Encoding.UTF8.GetByteCount(text) + 3) / 4;

    internal static void Sha256(string text, Span<byte> destination)
    {
        var max = Encoding.UTF8.GetMaxByteCount(text.Length);
        byte[]? rented = null;
        var buffer = max <= 1024 ? stackalloc byte[1024] : (rented = System.Buffers.ArrayPool<byte>.Shared.Rent(max));
        var length = Encoding.UTF8.GetBytes(text, buffer);
        SHA256.HashData(buffer[..length], destination);
        if (rented is not null)
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(rented);
        }
    }
}
