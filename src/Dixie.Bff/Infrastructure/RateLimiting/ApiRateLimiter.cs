using Microsoft.Extensions.Logging;

namespace Dixie.Bff.Infrastructure.RateLimiting;

/// <summary>A decision and the backend that made it (the `backend` label of the rejection metric).</summary>
public readonly record struct RateLimitOutcome(RateLimitDecision Decision, string Backend);

/// <summary>
/// The `/api` limiter: Redis when that is the backend, the in-process GCRA otherwise and whenever
/// Redis errs or takes longer than 250 ms (spec 02 §10.7). A Redis failure never fails a request,
/// open or closed.
/// </summary>
public sealed class ApiRateLimiter
{
    public static readonly TimeSpan RedisBudget = TimeSpan.FromMilliseconds(250);

    private readonly MemoryRateLimiter memory;
    private readonly RedisRateLimiter? redis;
    private readonly TimeProvider timeProvider;
    private readonly RedisFallbackWindow fallback;

    /// <param name="redis">Null when the backend is `memory`.</param>
    public ApiRateLimiter(MemoryRateLimiter memory, RedisRateLimiter? redis, TimeProvider timeProvider, ILogger<ApiRateLimiter> logger)
    {
        this.memory = memory;
        this.redis = redis;
        this.timeProvider = timeProvider;
        fallback = new RedisFallbackWindow(timeProvider, logger);
    }

    public async ValueTask<RateLimitOutcome> DecideAsync(RateLimitPolicy policy, string key, CancellationToken cancellationToken)
    {
        if (redis is not null)
        {
            if (await TryRedisAsync(policy, key, cancellationToken) is { } decided)
                return new RateLimitOutcome(decided, RateLimitMetrics.RedisBackend);
            RateLimitMetrics.RedisFallback.Add(1);
        }

        return new RateLimitOutcome(memory.Decide($"{policy.Name}:{key}", policy.Limit), RateLimitMetrics.MemoryBackend);
    }

    private async ValueTask<RateLimitDecision?> TryRedisAsync(RateLimitPolicy policy, string key, CancellationToken cancellationToken)
    {
        var started = timeProvider.GetTimestamp();
        if (!fallback.ShouldTryRedis(started)) return null;
        if (!redis!.IsConnected)
        {
            // Nothing to wait for: the client would only queue the call until its own timeout.
            fallback.Failed(null);
            return null;
        }

        // The budget withdraws a request still queued behind its key's call (uncharged) or stops waiting for a sent one.
        using var budget = new CancellationTokenSource(RedisBudget, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(budget.Token, cancellationToken);
        try
        {
            var decision = await redis.DecideAsync(policy.Name, key, policy.Limit, linked.Token);
            fallback.Succeeded(started);
            return decision;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (OperationCanceledException) when (budget.IsCancellationRequested)
        {
            fallback.Failed(new TimeoutException($"Redis did not decide within {RedisBudget.TotalMilliseconds:0} ms"));
            return null;
        }
        catch (Exception e)
        {
            // RedisException and friends when Redis errs.
            fallback.Failed(e);
            return null;
        }
    }
}
