using System.Collections.Concurrent;
using Dixie.Bff.Infrastructure.Redis;
using StackExchange.Redis;

namespace Dixie.Bff.Features.Agents.Conviction;

/// <summary>
/// Resolved tiers under `conviction:&lt;EIP-55&gt;` for `DIXIE_CONVICTION_TIER_TTL` (spec 07 §1.2). Redis
/// when configured; without it, or while it fails, an in-process cache capped at 10 000 entries.
/// Cache errors never fail a resolution: they are logged once per outage and the entry is skipped.
/// </summary>
public sealed class ConvictionCache(RedisConnection redis, ConvictionCacheOptions options, TimeProvider clock, ILogger<ConvictionCache> logger)
{
    public const int MemoryCapacity = 10_000;

    private readonly TimeSpan _ttl = options.Ttl;
    private readonly ConcurrentDictionary<string, (byte[] Json, DateTimeOffset ExpiresAt)> _memory = new(StringComparer.Ordinal);
    private readonly RedisOutage _outage = new(clock);

    public static string Key(string checksummedWallet) => RedisKeys.Conviction + checksummedWallet;

    public async Task<ConvictionResult?> GetAsync(string wallet)
    {
        if (redis.IsConfigured && _outage.ShouldTry(out var started))
        {
            try
            {
                var value = await redis.Database.StringGetAsync(Key(wallet));
                _outage.Succeeded(started);
                return ConvictionResult.FromCacheJson(value);
            }
            catch (Exception e) when (e is RedisException or TimeoutException or ObjectDisposedException)
            {
                Failed(e);
            }
        }
        if (!_memory.TryGetValue(wallet, out var entry)) return null;
        if (entry.ExpiresAt > clock.GetUtcNow()) return ConvictionResult.FromCacheJson(System.Text.Encoding.UTF8.GetString(entry.Json));
        _memory.TryRemove(KeyValuePair.Create(wallet, entry));
        return null;
    }

    public async Task SetAsync(string wallet, ConvictionResult result)
    {
        var json = result.ToCacheJson(clock.GetUtcNow().ToUnixTimeMilliseconds());
        if (redis.IsConfigured && _outage.ShouldTry(out var started))
        {
            try
            {
                await redis.Database.StringSetAsync(Key(wallet), json, _ttl);
                _outage.Succeeded(started);
                return;
            }
            catch (Exception e) when (e is RedisException or TimeoutException or ObjectDisposedException)
            {
                Failed(e);
            }
        }
        if (_memory.Count >= MemoryCapacity) Trim();
        _memory[wallet] = (json, clock.GetUtcNow() + _ttl);
    }

    /// <summary>Deletes the entry everywhere this instance can reach.</summary>
    public async Task InvalidateAsync(string wallet)
    {
        _memory.TryRemove(wallet, out _);
        if (!redis.IsConfigured) return;
        var started = clock.GetTimestamp();
        try
        {
            await redis.Database.KeyDeleteAsync(Key(wallet));
            _outage.Succeeded(started);
        }
        catch (Exception e) when (e is RedisException or TimeoutException or ObjectDisposedException)
        {
            Failed(e);
        }
    }

    private void Trim()
    {
        var now = clock.GetUtcNow();
        foreach (var (key, entry) in _memory)
        {
            if (entry.ExpiresAt <= now) _memory.TryRemove(key, out _);
        }
        // Still full of live entries: drop some rather than grow without bound.
        foreach (var key in _memory.Keys.Take(Math.Max(0, _memory.Count - MemoryCapacity + 1)))
        {
            _memory.TryRemove(key, out _);
        }
    }

    private void Failed(Exception e)
    {
        if (_outage.Failed()) ConvictionLog.CacheUnavailable(logger, e.GetType().Name);
    }
}

/// <summary>`DIXIE_CONVICTION_TIER_TTL`: how long a resolved tier is reused.</summary>
public sealed record ConvictionCacheOptions(TimeSpan Ttl);
