using System.Globalization;
using System.Text.RegularExpressions;

namespace Dixie.Bff.Features.Agents;

/// <summary>The three signed headers of one agent request, as received.</summary>
public sealed record TbaHeaders(string Address, string Signature, string Timestamp)
{
    public const int WindowSeconds = 300;

    /// <summary>The text the TBA signed: both header values exactly as sent.</summary>
    public string Message => $"dixie-agent-auth:{Address}:{Timestamp}";
}

/// <summary>The header checks of spec 07 §2.2 steps 1–5b, in order; each failure has its own message.</summary>
public static partial class TbaHeaderRules
{
    [GeneratedRegex(@"\A[0-9]{1,12}\z")]
    private static partial Regex TimestampPattern();

    [GeneratedRegex(@"\A0x[0-9a-fA-F]{40}\z")]
    private static partial Regex AddressPattern();

    [GeneratedRegex(@"\A0x[0-9a-fA-F]+\z")]
    private static partial Regex SignaturePattern();

    public const int MaxSignatureLength = 4096;

    /// <summary>The headers, or the 401 message of the first failed step.</summary>
    public static (TbaHeaders? Headers, string? Failure) Read(HttpRequest request, DateTimeOffset now)
    {
        var address = Single(request, "x-tba-address");
        if (address is null) return (null, "x-tba-address header required for agent API");
        var signature = Single(request, "x-tba-signature");
        if (signature is null) return (null, "x-tba-signature header required for agent API");
        var timestamp = Single(request, "x-tba-timestamp");
        if (timestamp is null) return (null, "x-tba-timestamp header required for agent API");
        if (!TimestampPattern().IsMatch(timestamp)
            || Math.Abs(now.ToUnixTimeSeconds() - long.Parse(timestamp, CultureInfo.InvariantCulture)) > TbaHeaders.WindowSeconds)
        {
            return (null, "TBA timestamp expired or invalid (max 5 minutes)");
        }
        if (!AddressPattern().IsMatch(address)) return (null, "Invalid TBA address");
        if (signature.Length > MaxSignatureLength || !SignaturePattern().IsMatch(signature)) return (null, InvalidSignature);
        return (new TbaHeaders(address, signature, timestamp), null);
    }

    public const string InvalidSignature = "Invalid TBA signature";

    // An empty header counts as absent, as the TypeScript service's truthiness check did.
    private static string? Single(HttpRequest request, string name) =>
        request.Headers.TryGetValue(name, out var values) && values.Count > 0 && !string.IsNullOrEmpty(values[0]) ? values[0] : null;
}
