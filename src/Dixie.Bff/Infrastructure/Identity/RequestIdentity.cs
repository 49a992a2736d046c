namespace Dixie.Bff.Infrastructure.Identity;

public enum IdentityKind { Anonymous, Wallet, ApiKey, Admin }

/// <summary>
/// The one per-request identity (spec 00 D3, spec 02 §9.3). Produced only by the authentication
/// stage from verified credentials; never from request headers.
/// </summary>
public sealed record RequestIdentity
{
    public static RequestIdentity Anonymous { get; } = new() { Kind = IdentityKind.Anonymous, Credential = "none" };

    public required IdentityKind Kind { get; init; }
    /// <summary>EIP-55 address when <see cref="Kind"/> is Wallet.</summary>
    public string? Wallet { get; init; }
    public string? ApiKeyId { get; init; }
    public string? TokenId { get; init; }
    public DateTimeOffset? TokenExpiresAt { get; init; }
    /// <summary>none | valid | invalid_token | unlisted_api_key | admin_key_missing | admin_key_invalid.</summary>
    public required string Credential { get; init; }

    public static RequestIdentity Of(HttpContext context) => context.Features.Get<RequestIdentity>() ?? Anonymous;

    /// <summary>The `auth` field of the request log line (spec 02 §8).</summary>
    public string LogName => Kind switch
    {
        IdentityKind.Wallet => "wallet",
        IdentityKind.ApiKey => "api_key",
        IdentityKind.Admin => "admin",
        _ => "anonymous",
    };
}
