using System.Globalization;

namespace Dixie.Testing;

/// <summary>An EIP-4361 message a test writes field by field; <see cref="ToString"/> gives the exact text to sign.</summary>
public sealed record SiweText
{
    public string? Scheme { get; init; }
    public string Domain { get; init; } = "localhost:3001";
    public string Address { get; init; } = Hardhat.Account0.Address;
    public string? Statement { get; init; } = "Sign in to Dixie BFF";
    public string Uri { get; init; } = "http://localhost:3001";
    public string ChainId { get; init; } = "1";
    public string Nonce { get; init; } = NewNonce();
    public required DateTimeOffset IssuedAt { get; init; }
    public DateTimeOffset? ExpirationTime { get; init; }
    public DateTimeOffset? NotBefore { get; init; }
    public string? RequestId { get; init; }
    public IReadOnlyList<string>? Resources { get; init; }

    public static string NewNonce() => Guid.NewGuid().ToString("N");

    public static string Time(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    public override string ToString()
    {
        var lines = new List<string>
        {
            (Scheme is null ? "" : Scheme + "://") + Domain + " wants you to sign in with your Ethereum account:",
            Address,
            "",
        };
        if (Statement is not null) lines.AddRange([Statement, ""]);
        else lines.Add("");
        lines.Add("URI: " + Uri);
        lines.Add("Version: 1");
        lines.Add("Chain ID: " + ChainId);
        lines.Add("Nonce: " + Nonce);
        lines.Add("Issued At: " + Time(IssuedAt));
        if (ExpirationTime is { } expiration) lines.Add("Expiration Time: " + Time(expiration));
        if (NotBefore is { } notBefore) lines.Add("Not Before: " + Time(notBefore));
        if (RequestId is not null) lines.Add("Request ID: " + RequestId);
        if (Resources is not null)
        {
            lines.Add("Resources:");
            lines.AddRange(Resources.Select(r => "- " + r));
        }
        return string.Join('\n', lines);
    }
}
