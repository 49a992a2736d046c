using Npgsql;

namespace Dixie.Bff.Features.Reputation;

/// <summary>
/// `/query` behind the score cache: a miss reads the database and caches the result, null included. A
/// database error answers null without caching it, counted and logged at most every 10 s.
/// </summary>
public sealed class ScoreLookup(ScoreCache cache, ReputationReads reads, ReputationLog log, TimeProvider clock)
{
    private static readonly TimeSpan WarningInterval = TimeSpan.FromSeconds(10);
    private long _lastWarningTicks = long.MinValue;

    public async Task<double?> ScoreAsync(string nftId, CancellationToken ct)
    {
        if (cache.TryGet(nftId, out var cached))
        {
            ReputationMetrics.CacheLookup("hit");
            return cached;
        }
        ReputationMetrics.CacheLookup("miss");
        var token = cache.BeginLoad(nftId);
        try
        {
            var score = await reads.ReadScoreAsync(nftId, ct);
            cache.Store(nftId, token, score);
            return score;
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException && !ct.IsCancellationRequested)
        {
            ReputationMetrics.QueryDbErrors.Add(1);
            var now = clock.GetUtcNow().UtcTicks;
            var last = Interlocked.Read(ref _lastWarningTicks);
            if (now - last >= WarningInterval.Ticks && Interlocked.CompareExchange(ref _lastWarningTicks, now, last) == last)
                log.QueryDatabaseError(e.GetType().Name);
            return null;
        }
    }
}
