using System.Security.Cryptography;

namespace Dixie.FinnEmulator.Sessions;

/// <summary>
/// 26 characters of Crockford base32: 10 for the creation time in milliseconds and 16 random ones
/// (80 bits from the CSPRNG), the layout of finn's ULID session ids.
/// </summary>
public static class SessionId
{
    private const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

    public static string New(long unixMs)
    {
        Span<byte> random = stackalloc byte[16];
        RandomNumberGenerator.Fill(random);
        return string.Create(26, (unixMs, Random: random.ToArray()), static (chars, state) =>
        {
            var time = state.unixMs;
            for (var i = 9; i >= 0; i--)
            {
                chars[i] = Alphabet[(int)(time & 31)];
                time >>= 5;
            }
            for (var i = 0; i < 16; i++)
            {
                chars[10 + i] = Alphabet[state.Random[i] & 31];
            }
        });
    }
}
