using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Dixie.Bff.Features.Chat.WebSocket;

/// <summary>What a ticket stands for (spec 05 §5): the wallet, the token it was issued under, and when (unix ms).</summary>
public sealed record WsTicketRecord(
    [property: JsonPropertyName("wallet")] string Wallet,
    [property: JsonPropertyName("jti")] string Jti,
    [property: JsonPropertyName("issuedAt")] long IssuedAtMs)
{
    public static WsTicketRecord? TryParse(string? json)
    {
        if (json is null) return null;
        try
        {
            return JsonSerializer.Deserialize(json, WsJson.Default.WsTicketRecord);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

public enum WsTicketOutcome { Issued, Refused, Unavailable }

/// <summary>The result of an issue: the ticket, or the seconds until the wallet's oldest outstanding ticket expires.</summary>
public readonly record struct WsTicketIssue(WsTicketOutcome Outcome, string Ticket, int RetryAfterSeconds);

public enum WsTicketRedemption { Consumed, NotFound, Unavailable }

/// <summary>The shape and handling rules of a ticket string.</summary>
public static class WsTicket
{
    public const string Prefix = "wst_";
    public const int PerWalletLimit = 5;
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(30);

    /// <summary>`wst_` + 48 lower-case hex: 24 bytes from the CSPRNG.</summary>
    public static string New() => Prefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));

    /// <summary>Logs carry this instead of the ticket: the first 12 hex of its SHA-256.</summary>
    public static string Hash(string ticket) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(ticket)))[..12];

    public static int RetryAfterSeconds(TimeSpan untilOldestExpires) => Math.Max(1, (int)Math.Ceiling(untilOldestExpires.TotalSeconds));
}

/// <summary>`{"ticket":"wst_…","expires_in":30}`.</summary>
public sealed record WsTicketResponse(
    [property: JsonPropertyName("ticket")] string Ticket,
    [property: JsonPropertyName("expires_in")] int ExpiresIn);

[JsonSerializable(typeof(WsTicketRecord))]
[JsonSerializable(typeof(WsTicketResponse))]
internal sealed partial class WsJson : JsonSerializerContext;
