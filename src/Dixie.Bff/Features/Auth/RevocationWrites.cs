using Dixie.Bff.Infrastructure.Redis;
using StackExchange.Redis;

namespace Dixie.Bff.Features.Auth;

/// <summary>
/// One revocation bound for Redis (spec 04 §4.5, §8). It carries the moment it stops mattering, so a
/// write retried after an outage gets only the lifetime it has left, and is dropped once it has none.
/// </summary>
public abstract record RevocationWrite(DateTimeOffset KeepUntil)
{
    public abstract Task WriteAsync(IDatabase database, DateTimeOffset now);

    private static readonly TimeSpan Shortest = TimeSpan.FromSeconds(1);

    /// <summary>The lifetime left, at least 1 s (spec 04 §4.5).</summary>
    protected TimeSpan Remaining(DateTimeOffset now)
    {
        var left = KeepUntil - now;
        return left > Shortest ? left : Shortest;
    }
}

/// <summary>`auth:revoked:&lt;jti&gt;` = `1` until the token's `exp` + 30 s.</summary>
public sealed record TokenRevocationWrite(string Jti, DateTimeOffset KeepUntil) : RevocationWrite(KeepUntil)
{
    public override Task WriteAsync(IDatabase database, DateTimeOffset now) =>
        database.StringSetAsync(RedisKeys.AuthRevoked + Jti, 1, Remaining(now));
}

/// <summary>
/// `auth:wallet-revoked:&lt;EIP-55&gt;` = W. A watermark only ever rises: a late retry, or an instance
/// whose clock is behind, must not lower one another instance wrote.
/// </summary>
public sealed record WalletRevocationWrite(string Wallet, long Watermark, DateTimeOffset KeepUntil) : RevocationWrite(KeepUntil)
{
    private const string RaiseScript = """
        local current = tonumber(redis.call('GET', KEYS[1])) or 0
        if tonumber(ARGV[1]) >= current then
          redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
        end
        return 1
        """;

    public override Task WriteAsync(IDatabase database, DateTimeOffset now) =>
        database.ScriptEvaluateAsync(RaiseScript, [RedisKeys.AuthWalletRevoked + Wallet], [Watermark, (long)Remaining(now).TotalMilliseconds]);
}
