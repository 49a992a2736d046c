using System.Collections.Concurrent;
using Dixie.Bff.Infrastructure.Configuration;
using Dixie.Bff.Infrastructure.Redis;
using StackExchange.Redis;

namespace Dixie.Bff.Features.Auth;

/// <summary>
/// Token revocation (spec 04 §4.5): single tokens by `jti` (logout) and every token of a wallet
/// issued up to a watermark (allowlist removal), shared through Redis. This instance also keeps
/// what it revoked or read in memory, which answers while Redis is unreachable.
/// </summary>
public sealed class RevocationStore(
    RedisConnection redis, DixieConfig config, TimeProvider time, RevocationRetryQueue retries, ILogger<RevocationStore> logger)
{
    /// <summary>A revoked `jti` is kept this long past the token's `exp` (the validator's clock skew).</summary>
    public static readonly TimeSpan TokenGrace = TimeSpan.FromSeconds(30);

    private static readonly TimeSpan PruneInterval = TimeSpan.FromSeconds(60);

    private readonly TimeSpan _watermarkLifetime = TimeSpan.FromSeconds(config.Auth.JwtTtlSeconds + 60);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _revokedTokens = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Watermark> _watermarks = new(StringComparer.Ordinal);
    private readonly RecentRevocationChecks _recentlyCleared = new();
    private int _outage;
    private long _lastPruneTicks;

    public async Task RevokeTokenAsync(string jti, DateTimeOffset expiresAt, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var keepUntil = Later(expiresAt + TokenGrace, now + TimeSpan.FromSeconds(1));
        RememberToken(jti, keepUntil, now);
        await WriteAsync(new TokenRevocationWrite(jti, keepUntil), now);
    }

    /// <summary>
    /// Revokes every token of the wallet issued up to now: W = floor(now) + 1, so a token issued in
    /// this very second fails too. Re-adding the wallet later never lowers or removes W.
    /// </summary>
    public async Task RevokeWalletAsync(string checksummedWallet, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var watermark = now.ToUnixTimeSeconds() + 1;
        var keepUntil = now + _watermarkLifetime;
        RememberWatermark(checksummedWallet, watermark, keepUntil, now);
        await WriteAsync(new WalletRevocationWrite(checksummedWallet, watermark, keepUntil), now);
    }

    /// <summary>The wallet's watermark in unix seconds, or null when none is in force.</summary>
    public async Task<long?> GetWalletWatermarkAsync(string checksummedWallet, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var local = LocalWatermark(checksummedWallet, now);
        if (!redis.IsConfigured) return local;
        var values = await ReadAsync([RedisKeys.AuthWalletRevoked + checksummedWallet]);
        if (values is null) return local;
        var remote = AsWatermark(values[0]);
        if (remote is { } w) RememberWatermark(checksummedWallet, w, now + _watermarkLifetime, now);
        return Max(local, remote);
    }

    /// <summary>
    /// Steps 8–9 of spec 04 §4.3: the `jti` is revoked, or the token was issued before the wallet's watermark.
    /// A "not revoked" answer from Redis is reused for up to a second (the spec's bound).
    /// </summary>
    public async Task<bool> IsRevokedAsync(string jti, string checksummedWallet, long issuedAt, DateTimeOffset expiresAt, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        if (IsLocallyRevoked(jti, now) || issuedAt < LocalWatermark(checksummedWallet, now)) return true;
        if (!redis.IsConfigured || _recentlyCleared.WasCleared(jti, now)) return false;

        var values = await ReadAsync([RedisKeys.AuthRevoked + jti, RedisKeys.AuthWalletRevoked + checksummedWallet]);
        if (values is null) return false;
        var revoked = !values[0].IsNull;
        if (revoked) RememberToken(jti, Later(expiresAt + TokenGrace, now + TimeSpan.FromSeconds(1)), now);
        var watermark = AsWatermark(values[1]);
        if (watermark is { } w) RememberWatermark(checksummedWallet, w, now + _watermarkLifetime, now);
        if (revoked || issuedAt < watermark) return true;
        _recentlyCleared.Cleared(jti, now);
        return false;
    }

    private async Task WriteAsync(RevocationWrite write, DateTimeOffset now)
    {
        if (!redis.IsConfigured) return;
        if (!await RevocationRetryQueue.TryWriteAsync(redis, write, now)) retries.Enqueue(write);
    }

    /// <summary>One MGET; null when Redis cannot answer (logged once per outage, counted per request).</summary>
    private async Task<RedisValue[]?> ReadAsync(RedisKey[] keys)
    {
        try
        {
            if (redis.IsConnected)
            {
                var values = await redis.Database.StringGetAsync(keys);
                Volatile.Write(ref _outage, 0);
                return values;
            }
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            // Answered below from memory, like a disconnected Redis.
        }
        if (Interlocked.Exchange(ref _outage, 1) == 0) AuthLog.RevocationStoreUnavailable(logger);
        AuthMetrics.RevocationFallback();
        return null;
    }

    private bool IsLocallyRevoked(string jti, DateTimeOffset now) =>
        _revokedTokens.TryGetValue(jti, out var keepUntil) && keepUntil > now;

    private long? LocalWatermark(string wallet, DateTimeOffset now) =>
        _watermarks.TryGetValue(wallet, out var mark) && mark.KeepUntil > now ? mark.Value : null;

    private void RememberToken(string jti, DateTimeOffset keepUntil, DateTimeOffset now)
    {
        _revokedTokens.AddOrUpdate(jti, keepUntil, (_, current) => Later(current, keepUntil));
        PruneIfDue(now);
    }

    private void RememberWatermark(string wallet, long value, DateTimeOffset keepUntil, DateTimeOffset now)
    {
        var mark = new Watermark(value, keepUntil);
        _watermarks.AddOrUpdate(wallet, mark, (_, current) => current.Value > value ? current : mark);
        PruneIfDue(now);
    }

    /// <summary>Forgets what has expired, at most once a minute, so the maps hold only live revocations.</summary>
    private void PruneIfDue(DateTimeOffset now)
    {
        var last = Interlocked.Read(ref _lastPruneTicks);
        if (now.UtcTicks - last < PruneInterval.Ticks || Interlocked.CompareExchange(ref _lastPruneTicks, now.UtcTicks, last) != last) return;
        foreach (var (jti, keepUntil) in _revokedTokens)
        {
            if (keepUntil <= now) _revokedTokens.TryRemove(new KeyValuePair<string, DateTimeOffset>(jti, keepUntil));
        }
        foreach (var (wallet, mark) in _watermarks)
        {
            if (mark.KeepUntil <= now) _watermarks.TryRemove(new KeyValuePair<string, Watermark>(wallet, mark));
        }
    }

    private static long? AsWatermark(RedisValue value) => !value.IsNull && value.TryParse(out long w) ? w : null;

    private static long? Max(long? a, long? b) => a is null ? b : b is null ? a : Math.Max(a.Value, b.Value);

    private static DateTimeOffset Later(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    private sealed record Watermark(long Value, DateTimeOffset KeepUntil);
}
