using Dixie.Bff.Infrastructure.Redis;
using StackExchange.Redis;

namespace Dixie.Bff.Infrastructure.RateLimiting;

/// <summary>
/// The shared GCRA (spec 02 §10.4): one script call per request, with the Redis server's clock as
/// `now`, so every instance decides from the same state and the same clock.
/// </summary>
public sealed class RedisRateLimiter(RedisConnection connection)
{
    /// <summary>
    /// The normative script of spec 02 §10.4, verbatim. The client sends it once and then calls it by
    /// its SHA-1 (EVALSHA), loading it again when the server answers NOSCRIPT (a restart, SCRIPT FLUSH).
    /// </summary>
    internal const string Script = """
        -- KEYS[1] limiter key; ARGV[1] limit L (>= 1); ARGV[2] period P in microseconds
        local L, P = tonumber(ARGV[1]), tonumber(ARGV[2])
        local q = math.floor(P / L)
        local r = P - q * L
        local clock = redis.call('TIME')
        local now = tonumber(clock[1]) * 1000000 + tonumber(clock[2])
        local tat, frac = now, 0
        local state = redis.call('GET', KEYS[1])
        if state then
          local a, b = string.match(state, '^(%d+):(%d+)$')
          if a and tonumber(a) >= now then tat, frac = tonumber(a), tonumber(b) end
        end
        local newTat, newFrac = tat + q, frac + r
        if newFrac >= L then newTat, newFrac = newTat + 1, newFrac - L end
        local ahead, capacity = (newTat - now) * L + newFrac, P * L
        if ahead > capacity then
          return {0, 0, math.ceil((ahead - capacity) / L), math.ceil(((tat - now) * L + frac) / L)}
        end
        redis.call('SET', KEYS[1], string.format('%d:%d', newTat, newFrac), 'PX', math.ceil(ahead / L / 1000))
        return {1, math.floor((capacity - ahead) / P), 0, math.ceil(ahead / L)}
        """;

    /// <summary>`ratelimit:v2:&lt;policy&gt;:&lt;key&gt;`; the environment prefix is added by the connection.</summary>
    public static RedisKey KeyFor(string policy, string key) => $"{RedisKeys.RateLimit}{policy}:{key}";

    public bool IsConnected => connection.IsConnected;

    /// <exception cref="RedisException">and other client exceptions when Redis fails.</exception>
    public async Task<RateLimitDecision> DecideAsync(string policy, string key, int limit)
    {
        var result = await connection.Database.ScriptEvaluateAsync(Script, [KeyFor(policy, key)], [limit, Gcra.PeriodUs]);
        return Parse(result);
    }

    internal static RateLimitDecision Parse(RedisResult result)
    {
        var values = (long[]?)result ?? throw new RedisException("rate limit script returned nothing");
        if (values.Length != 4) throw new RedisException($"rate limit script returned {values.Length} values");
        return new RateLimitDecision(values[0] == 1, values[1], values[2], values[3]);
    }
}
