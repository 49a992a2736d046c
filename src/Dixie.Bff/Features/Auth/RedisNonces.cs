using System.Text.Json;
using Dixie.Bff.Infrastructure.Redis;
using StackExchange.Redis;

namespace Dixie.Bff.Features.Auth;

/// <summary>
/// The Redis half of the nonce store (spec 04 §2, §8). Issue is one script on Redis's own clock, so
/// instances with drifting clocks agree on expiry and the per-IP cap cannot be raced; consumption is
/// GETDEL, which exactly one caller wins.
/// </summary>
public sealed class RedisNonces
{
    // KEYS[1] nonce key, KEYS[2] the client's index; ARGV: nonce, value prefix, cap, lifetime ms.
    // Returns {1, now, expiry} when issued, {0, now, oldest expiry} at the cap, {-1, now, 0} on a collision.
    private const string IssueScript = """
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

    public async Task<NonceIssue> IssueAsync(IDatabase database, string client, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        var lifetimeMs = (long)NonceStore.Lifetime.TotalMilliseconds;
        var valuePrefix = $"{{\"ip\":\"{JsonEncodedText.Encode(client)}\",\"issuedAt\":";
        while (true)
        {
            var nonce = NonceStore.NewNonce();
            var reply = (RedisResult[])(await database.ScriptEvaluateAsync(IssueScript,
                [RedisKeys.AuthNonce + nonce, RedisKeys.AuthNonceIp + client],
                [nonce, valuePrefix, NonceStore.PerIpLimit, lifetimeMs]))!;
            var (status, now, expiry) = ((long)reply[0], (long)reply[1], (long)reply[2]);
            switch (status)
            {
                case 1:
                    return new NonceIssue(NonceOutcome.Issued, nonce,
                        DateTimeOffset.FromUnixTimeMilliseconds(now), DateTimeOffset.FromUnixTimeMilliseconds(expiry), 0);
                case 0:
                    return NonceIssue.Refused(NonceStore.RetryAfterSeconds(TimeSpan.FromMilliseconds(expiry - now)));
                default:
                    // 190 random bits collided with a live nonce: draw again rather than share it.
                    continue;
            }
        }
    }

    public async Task<bool> ConsumeAsync(IDatabase database, string nonce, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        var value = await database.StringGetDeleteAsync(RedisKeys.AuthNonce + nonce);
        if (value.IsNull) return false;
        // Only the winner frees the slot in its client's index; a value without an ip (seeded by
        // hand) has no index entry. A failure here only leaves a member that expires on its own.
        if (ClientOf(value) is { } client) await database.SortedSetRemoveAsync(RedisKeys.AuthNonceIp + client, nonce);
        return true;
    }

    private static string? ClientOf(RedisValue value)
    {
        try
        {
            using var document = JsonDocument.Parse((string)value!);
            return document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("ip", out var ip)
                && ip.ValueKind == JsonValueKind.String ? ip.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
