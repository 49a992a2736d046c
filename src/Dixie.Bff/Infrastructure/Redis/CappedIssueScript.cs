namespace Dixie.Bff.Infrastructure.Redis;

/// <summary>
/// Issuing a short-lived single-use token under a per-owner cap, atomically on the Redis clock:
/// SIWE nonces per client IP (spec 04 §2) and WebSocket tickets per wallet (spec 05 §5).
/// KEYS[1] the token key, KEYS[2] the owner's index (sorted set, score = expiry ms);
/// ARGV: token, value prefix (the stored value is the prefix + issue time ms + `}`), cap, lifetime ms.
/// Returns {1, now, expiry} when issued, {0, now, oldest expiry} at the cap, {-1, now, 0} on a collision.
/// </summary>
public static class CappedIssueScript
{
    public const string Source = """
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        local lifetime = tonumber(ARGV[4])
        redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
        if redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[3]) then
          local oldest = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')
          return {0, now, tonumber(oldest[2])}
        end
        if not redis.call('SET', KEYS[1], ARGV[2] .. now .. '}', 'PX', lifetime, 'NX') then
          return {-1, now, 0}
        end
        redis.call('ZADD', KEYS[2], now + lifetime, ARGV[1])
        redis.call('PEXPIRE', KEYS[2], lifetime)
        return {1, now, now + lifetime}
        """;
}
