using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Dixie.Bff.Features.Fleet;

/// <summary>The hashes of spec 07: `H`, `H12`, the idempotency token and the advisory lock keys.</summary>
public static class FleetHashes
{
    public static string H(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    public static string H12(string text) => H(text)[..12];

    /// <summary>`H(description | op | UTC date)`; the description exactly as received.</summary>
    public static string IdempotencyToken(string description, string op, DateTimeOffset now) =>
        H($"{description}|{op}|{now.UtcDateTime:yyyy'-'MM'-'dd}");

    /// <summary>`fleet/&lt;taskType&gt;/&lt;token[0..12]&gt;`: no wallet in a git ref.</summary>
    public static string Branch(string taskType, string token) => $"fleet/{taskType}/{token[..12]}";

    /// <summary>The per-operator admission lock (spec 07 §3.4 step 6.i).</summary>
    public static long AdmissionLockKey(string op) => LockKey("dixie-bff:fleet-admission:" + op);

    /// <summary>The per-host monitor lock (spec 07 §5).</summary>
    public static long MonitorLockKey(string hostId) => LockKey("dixie-bff:fleet-monitor:" + hostId);

    /// <summary>The first 8 bytes of SHA-256, big-endian, as a signed int64.</summary>
    private static long LockKey(string text) => BinaryPrimitives.ReadInt64BigEndian(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
