using System.Globalization;
using System.Security.Cryptography;
using Dixie.Bff.Infrastructure.RateLimiting;
using Dixie.Bff.Infrastructure.Redis;
using Dixie.Bff.Infrastructure.Configuration;
using StackExchange.Redis;

namespace Dixie.Bff.Features.Agents;

/// <summary>A per-TBA decision: admitted, or which window refused it and for how many seconds.</summary>
public sealed record AgentLimitDecision(bool Admitted, string? Limiter, long RetryAfterSeconds, string Backend);

/// <summary>
/// The per-TBA limits of spec 07 §2.3: a sliding 60 s window and a UTC-day counter, checked minute
/// first, then day, and consumed together only when both admit. Shared through Redis (one Lua script,
/// the clock from <see cref="TimeProvider"/> so tests can move it); while Redis fails the in-process
/// limiter decides and the outage is logged once.
/// </summary>
public sealed class AgentRateLimiter
{
    public const string MinuteLimiter = "agent-minute";
    public const string DayLimiter = "agent-day";

    // KEYS[1] minute sorted set, KEYS[2] day counter; ARGV now ms, minute limit, day limit, member.
    private const string Script = """
        local now = tonumber(ARGV[1])
        redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - 60000)
        if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then
          local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
          return {1, tonumber(oldest[2])}
        end
        if tonumber(redis.call('GET', KEYS[2]) or '0') >= tonumber(ARGV[3]) then
          return {2, 0}
        end
        redis.call('ZADD', KEYS[1], now, ARGV[4])
        redis.call('PEXPIRE', KEYS[1], 60000)
        redis.call('INCR', KEYS[2])
        redis.call('EXPIRE', KEYS[2], 90000)
        return {0, 0}
        """;

    private readonly RedisConnection _redis;
    private readonly TimeProvider _clock;
    private readonly int _perMinute;
    private readonly int _perDay;
    private readonly RedisFallbackWindow _fallback;
    private readonly MemoryAgentLimits _memory;

    public AgentRateLimiter(RedisConnection redis, DixieConfig config, TimeProvider clock, ILogger<AgentRateLimiter> logger)
    {
        _redis = redis;
        _clock = clock;
        _perMinute = config.Access.AgentRateLimitPerMinute;
        _perDay = config.Access.AgentRateLimitPerDay;
        _fallback = new RedisFallbackWindow(clock, logger);
        _memory = new MemoryAgentLimits(_perMinute, _perDay);
    }

    public async Task<AgentLimitDecision> DecideAsync(string checksummedTba)
    {
        var now = _clock.GetUtcNow();
        var started = _clock.GetTimestamp();
        if (_redis.IsConfigured && _fallback.ShouldTryRedis(started))
        {
            try
            {
                var decision = await DecideInRedisAsync(checksummedTba, now);
                _fallback.Succeeded(started);
                return decision;
            }
            catch (Exception e) when (e is RedisException or TimeoutException or ObjectDisposedException)
            {
                _fallback.Failed(e);
            }
        }
        var (status, oldest) = _memory.Decide(checksummedTba, now);
        return ToDecision(status, oldest, now, RateLimitMetrics.MemoryBackend);
    }

    private async Task<AgentLimitDecision> DecideInRedisAsync(string tba, DateTimeOffset now)
    {
        var nowMs = now.ToUnixTimeMilliseconds();
        var member = nowMs.ToString(CultureInfo.InvariantCulture) + "-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
        var reply = (RedisResult[])(await _redis.Database.ScriptEvaluateAsync(Script,
            [RedisKeys.AgentRateLimit + "min:" + tba, RedisKeys.AgentRateLimit + "day:" + tba + ":" + DayOf(now)],
            [nowMs, _perMinute, _perDay, member]))!;
        return ToDecision((int)reply[0], (long)reply[1], now, RateLimitMetrics.RedisBackend);
    }

    private static AgentLimitDecision ToDecision(int status, long oldestMs, DateTimeOffset now, string backend) => status switch
    {
        0 => new(true, null, 0, backend),
        1 => new(false, MinuteLimiter, Math.Max(1, CeilSeconds(oldestMs + 60_000 - now.ToUnixTimeMilliseconds())), backend),
        _ => new(false, DayLimiter, Math.Max(1, CeilSeconds(now.UtcDateTime.Date.AddDays(1) - now.UtcDateTime)), backend),
    };

    internal static string DayOf(DateTimeOffset now) => now.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static long CeilSeconds(long milliseconds) => (milliseconds + 999) / 1000;

    private static long CeilSeconds(TimeSpan span) => (long)Math.Ceiling(span.TotalSeconds);
}

/// <summary>
/// The in-process equivalent of the script: same rules, one lock per decision. At most once a minute
/// it forgets the TBAs whose entries can no longer refuse anything, so memory follows the day's TBAs.
/// </summary>
internal sealed class MemoryAgentLimits(int perMinute, int perDay)
{
    private const long WindowMs = 60_000;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private long _lastPruneMs;

    private sealed class Entry
    {
        public Queue<long> Minute { get; } = new();
        public long LastMs { get; set; }
        public string Day { get; set; } = "";
        public int DayCount { get; set; }
    }

    /// <summary>TBAs currently remembered.</summary>
    public int Count
    {
        get { lock (_gate) return _entries.Count; }
    }

    /// <summary>0 admitted, 1 minute full (with the oldest timestamp), 2 day full.</summary>
    public (int Status, long OldestMs) Decide(string tba, DateTimeOffset now)
    {
        var nowMs = now.ToUnixTimeMilliseconds();
        var day = AgentRateLimiter.DayOf(now);
        lock (_gate)
        {
            if (nowMs - _lastPruneMs >= WindowMs) Prune(day, nowMs);
            if (!_entries.TryGetValue(tba, out var entry)) _entries[tba] = entry = new Entry();
            while (entry.Minute.Count > 0 && entry.Minute.Peek() <= nowMs - WindowMs) entry.Minute.Dequeue();
            if (entry.Day != day)
            {
                entry.Day = day;
                entry.DayCount = 0;
            }
            if (entry.Minute.Count >= perMinute) return (1, entry.Minute.Peek());
            if (entry.DayCount >= perDay) return (2, 0);
            entry.Minute.Enqueue(nowMs);
            entry.LastMs = nowMs;
            entry.DayCount++;
            return (0, 0);
        }
    }

    // An entry of an earlier UTC day whose last admission left the minute window decides like a new one.
    private void Prune(string day, long nowMs)
    {
        foreach (var (tba, entry) in _entries)
        {
            if (entry.Day != day && entry.LastMs <= nowMs - WindowMs) _entries.Remove(tba);
        }
        _lastPruneMs = nowMs;
    }
}
