namespace Dixie.Bff.Features.Auth;

/// <summary>
/// The fields of one EIP-4361 message as the strict parser read them (spec 04 §3.2). The exact
/// message text, not a re-serialisation of these fields, is what the signature covers.
/// </summary>
public sealed record SiweMessage
{
    public string? Scheme { get; init; }
    /// <summary>The `domain` as written: host, optionally `:port`.</summary>
    public required string Domain { get; init; }
    /// <summary>The host part of <see cref="Domain"/> (an IPv6 literal keeps its brackets).</summary>
    public required string Host { get; init; }
    public int? Port { get; init; }
    /// <summary>The signer's address, already in EIP-55 form (the grammar demands it).</summary>
    public required string Address { get; init; }
    public string? Statement { get; init; }
    public required string Uri { get; init; }
    public required long ChainId { get; init; }
    public required string Nonce { get; init; }
    public required DateTimeOffset IssuedAt { get; init; }
    public DateTimeOffset? ExpirationTime { get; init; }
    public DateTimeOffset? NotBefore { get; init; }
    public string? RequestId { get; init; }
    public IReadOnlyList<string> Resources { get; init; } = [];
}

/// <summary>
/// A parse outcome: the message, or the failure reason of spec 04 §3.3 step 1 with a detail for the
/// log (which names a field or line, never message content). <see cref="Address"/> is set whenever
/// the address line was read, so a failure can still be logged with its wallet hash.
/// </summary>
public sealed record SiweParse(SiweMessage? Message, string? Reason, string? Detail, string? Address)
{
    public static SiweParse Success(SiweMessage message) => new(message, null, null, message.Address);

    public static SiweParse Failure(string reason, string detail, string? address = null) => new(null, reason, detail, address);
}
