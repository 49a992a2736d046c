using System.Collections.Concurrent;
using Dixie.Bff.Infrastructure.Redis;
using StackExchange.Redis;

namespace Dixie.Bff.Infrastructure.RateLimiting;

/// <summary>
/// The shared GCRA (spec 02 §10.4) with the Redis server's clock as `now`, so every instance decides
/// from the same state and the same clock. A key's first request goes out at once; requests for the
/// same key that arrive while its call is in flight wait for it and then share the next call, which
/// decides them as that many single-request calls at one instant (docs/adr/015). One client hammering
/// the API therefore costs Redis one call per round trip, not one per request.
/// </summary>
public sealed class RedisRateLimiter(RedisConnection connection)
{
    /// <summary>
    /// The script of spec 02 §10.4 extended by ARGV[3], the number of requests decided together (1 when
    /// absent, which is the spec's script exactly). k = min(n, ⌊(capacity − base)/P⌋) are admitted — what
    /// n single calls at the same `TIME` would admit — and {k, base} comes back; <see cref="Gcra.InBatch"/>
    /// derives each request's remaining/retry/reset from it. The state after k admits is stored as the
    /// single-request script would leave it after k calls.
    /// </summary>
    internal const string Script = """
        -- KEYS[1] limiter key; ARGV[1] limit L (>= 1); ARGV[2] period P in microseconds; ARGV[3] requests n (>= 1)
        local L, P = tonumber(ARGV[1]), tonumber(ARGV[2])
        local n = tonumber(ARGV[3]) or 1
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
        local base, capacity = (tat - now) * L + frac, P * L
        local k = math.max(0, math.min(n, math.floor((capacity - base) / P)))
        if k > 0 then
          local carried = frac + k * r
          local newTat, newFrac = tat + k * q + math.floor(carried / L), carried % L
          redis.call('SET', KEYS[1], string.format('%d:%d', newTat, newFrac), 'PX', math.ceil((base + k * P) / L / 1000))
        end
        return {k, base}
        """;

    /// <summary>Requests decided per call at most; a longer queue is served by further calls in order.</summary>
    internal const int MaxBatch = 1000;

    private readonly ConcurrentDictionary<string, KeyQueue> _queues = new(StringComparer.Ordinal);

    /// <summary>`ratelimit:v2:&lt;policy&gt;:&lt;key&gt;`; the environment prefix is added by the connection.</summary>
    public static RedisKey KeyFor(string policy, string key) => $"{RedisKeys.RateLimit}{policy}:{key}";

    public bool IsConnected => connection.IsConnected;

    /// <summary>
    /// The decision for one request. Cancelling <paramref name="cancellationToken"/> before the request's
    /// call is sent withdraws it uncharged; once sent it counts, as any sent call would.
    /// </summary>
    /// <exception cref="RedisException">and other client exceptions when Redis fails.</exception>
    public Task<RateLimitDecision> DecideAsync(string policy, string key, int limit, CancellationToken cancellationToken = default)
    {
        var waiter = new Waiter(cancellationToken);
        var id = $"{policy}:{key}";
        while (true)
        {
            var queue = _queues.GetOrAdd(id, static (id, args) => new KeyQueue(id, KeyFor(args.policy, args.key), args.limit), (policy, key, limit));
            bool start;
            lock (queue)
            {
                // A queue its runner has just retired takes no more requests; the next lookup makes a new one.
                if (queue.Retired) continue;
                queue.Pending.Add(waiter);
                start = !queue.Running;
                queue.Running = true;
            }
            return start ? LeadAsync(queue, waiter) : waiter.Task;
        }
    }

    /// <summary>
    /// The first request of an idle key makes its call itself, so a lone request costs one round trip and
    /// no hand-off; whoever queued meanwhile is served by <see cref="RunAsync"/> once that call is done.
    /// The leader stops waiting early when its own budget or client ends first.
    /// </summary>
    private async Task<RateLimitDecision> LeadAsync(KeyQueue queue, Waiter self)
    {
        if (TakeBatch(queue) is not { } batch) return await self.Task;
        var sent = SendAsync(queue, batch);
        if (!sent.IsCompleted) await Task.WhenAny(sent, self.Task);
        _ = ServeRestAsync(sent, queue);
        return await self.Task;
    }

    private async Task ServeRestAsync(Task sent, KeyQueue queue)
    {
        await sent;
        await RunAsync(queue);
    }

    private async Task RunAsync(KeyQueue queue)
    {
        while (TakeBatch(queue) is { } batch) await SendAsync(queue, batch);
    }

    /// <summary>The next requests in line, or null (and the queue retired) when none is left.</summary>
    private Waiter[]? TakeBatch(KeyQueue queue)
    {
        lock (queue)
        {
            queue.Pending.RemoveAll(w => w.Task.IsCompleted); // gave up before being sent: not charged
            if (queue.Pending.Count == 0)
            {
                queue.Retired = true;
                _queues.TryRemove(new KeyValuePair<string, KeyQueue>(queue.Id, queue));
                return null;
            }
            var take = Math.Min(queue.Pending.Count, MaxBatch);
            Waiter[] batch = [.. queue.Pending.Take(take)];
            queue.Pending.RemoveRange(0, take);
            return batch;
        }
    }

    private async Task SendAsync(KeyQueue queue, Waiter[] batch)
    {
        try
        {
            var result = await connection.Database.ScriptEvaluateAsync(Script, [queue.RedisKey],
                [queue.Limit, Gcra.PeriodUs, batch.Length]);
            var (admitted, baseUnits) = Parse(result);
            for (var i = 0; i < batch.Length; i++) batch[i].Complete(Gcra.InBatch(baseUnits, admitted, i, queue.Limit));
        }
        catch (Exception e)
        {
            foreach (var waiter in batch) waiter.Fail(e);
        }
    }

    internal static (long Admitted, long BaseUnits) Parse(RedisResult result)
    {
        var values = (long[]?)result ?? throw new RedisException("rate limit script returned nothing");
        if (values.Length != 2) throw new RedisException($"rate limit script returned {values.Length} values");
        return (values[0], values[1]);
    }

    /// <summary>The requests of one policy and key waiting for their call; guarded by its own lock.</summary>
    private sealed class KeyQueue(string id, RedisKey redisKey, int limit)
    {
        /// <summary>`&lt;policy&gt;:&lt;key&gt;`, its entry in the queue table.</summary>
        public string Id { get; } = id;
        public RedisKey RedisKey { get; } = redisKey;
        public int Limit { get; } = limit;
        public List<Waiter> Pending { get; } = [];
        /// <summary>A runner has taken the queue; it serves it until it retires it.</summary>
        public bool Running { get; set; }
        public bool Retired { get; set; }
    }

    /// <summary>One request's decision; its continuation runs on the pool, never on the call's completion.</summary>
    private sealed class Waiter
    {
        private readonly TaskCompletionSource<RateLimitDecision> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly CancellationTokenRegistration _registration;

        public Waiter(CancellationToken cancellationToken)
        {
            if (cancellationToken.CanBeCanceled)
                _registration = cancellationToken.Register(static state => ((Waiter)state!)._completion.TrySetCanceled(), this);
        }

        public Task<RateLimitDecision> Task => _completion.Task;

        public void Complete(RateLimitDecision decision)
        {
            _completion.TrySetResult(decision);
            _registration.Dispose();
        }

        public void Fail(Exception error)
        {
            _completion.TrySetException(error);
            _registration.Dispose();
        }
    }
}
