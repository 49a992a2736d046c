namespace Dixie.Bff.Infrastructure.Redis;

/// <summary>
/// Every key family dixie-bff keeps in Redis (spec 10 §4). The environment prefix is not part of these:
/// <see cref="RedisConnection.Database"/> prepends it, so features never add it themselves. A new key is
/// added to the spec's table first, then here.
/// </summary>
public static class RedisKeys
{
    /// <summary>`auth:nonce:{nonce}`, string, 300 s: a SIWE nonce, consumed once with GETDEL.</summary>
    public const string AuthNonce = "auth:nonce:";

    /// <summary>`auth:nonce-ip:{client ip}`, sorted set of nonces scored by expiry ms: the per-IP nonce cap.</summary>
    public const string AuthNonceIp = "auth:nonce-ip:";

    /// <summary>`auth:revoked:{jti}`, string, until the token's exp + 30 s: a revoked token.</summary>
    public const string AuthRevoked = "auth:revoked:";

    /// <summary>`auth:wallet-revoked:{EIP-55 wallet}`, unix-seconds watermark: tokens issued before it are refused.</summary>
    public const string AuthWalletRevoked = "auth:wallet-revoked:";

    /// <summary>`ws:ticket:{ticket}`, JSON string, 30 s: a WebSocket ticket redeemed once at upgrade.</summary>
    public const string WsTicket = "ws:ticket:";

    /// <summary>`ws:tickets-by-wallet:{wallet}`, sorted set of tickets scored by expiry ms: the per-wallet ticket cap.</summary>
    public const string WsTicketsByWallet = "ws:tickets-by-wallet:";

    /// <summary>`ratelimit:v2:{policy}:{key}`, GCRA state `tat:frac`: the `/api` limiter.</summary>
    public const string RateLimit = "ratelimit:v2:";

    /// <summary>`ratelimit:agent:min:{tba}` / `ratelimit:agent:day:{tba}:{date}`: per-agent minute and day limits.</summary>
    public const string AgentRateLimit = "ratelimit:agent:";

    /// <summary>`conviction:{EIP-55 wallet}`, JSON string: the conviction tier cache.</summary>
    public const string Conviction = "conviction:";

    /// <summary>`tba:verify:{hash}`, JSON string, 300 s: the TBA verification cache of one signed request.</summary>
    public const string TbaVerify = "tba:verify:";
}
