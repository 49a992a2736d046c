using System.Text.RegularExpressions;
using Dixie.Bff.Infrastructure.RateLimiting;
using Dixie.Bff.Tests.Infrastructure;
using StackExchange.Redis;

namespace Dixie.Bff.Tests.RateLimiting;

/// <summary>
/// The Lua script of spec 02 §10.4 (with the request count of ADR 015) on the shared Redis. The golden
/// vectors need a frozen clock, so they run a copy whose only change is that one line reads `now` from
/// ARGV instead of TIME.
/// </summary>
public sealed partial class RedisGcraScriptTests : IAsyncLifetime
{
    private const string TimeLine = "local clock = redis.call('TIME')";
    private ConnectionMultiplexer redis = null!;

    [GeneratedRegex(@"\A(\d+):(\d+)\z")]
    private static partial Regex StateFormat();

    public async Task InitializeAsync()
    {
        var servers = await SharedServers.GetAsync();
        redis = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{servers.Redis.Port}");
    }

    public async Task DisposeAsync() => await redis.DisposeAsync();

    private IDatabase Db => redis.GetDatabase();

    private static RedisKey FreshKey() => RedisRateLimiter.KeyFor("default", $"ip:test-{Guid.NewGuid():N}");

    private static string FrozenClockScript()
    {
        Assert.Single(Regex.Matches(RedisRateLimiter.Script, Regex.Escape(TimeLine)));
        return RedisRateLimiter.Script.Replace(TimeLine, "local clock = {ARGV[4], ARGV[5]}", StringComparison.Ordinal);
    }

    private async Task<RateLimitDecision> AtAsync(RedisKey key, int limit, long nowUs) =>
        Single(await Db.ScriptEvaluateAsync(FrozenClockScript(), [key], [limit, Gcra.PeriodUs, 1, nowUs / 1_000_000, nowUs % 1_000_000]), limit);

    private async Task<(long Admitted, long BaseUnits)> BatchAtAsync(RedisKey key, int limit, int count, long nowUs) =>
        RedisRateLimiter.Parse(await Db.ScriptEvaluateAsync(FrozenClockScript(), [key],
            [limit, Gcra.PeriodUs, count, nowUs / 1_000_000, nowUs % 1_000_000]));

    /// <summary>A one-request call, as the spec's script answers it.</summary>
    private static RateLimitDecision Single(RedisResult result, int limit)
    {
        var (admitted, baseUnits) = RedisRateLimiter.Parse(result);
        return Gcra.InBatch(baseUnits, admitted, 0, limit);
    }

    /// <summary>The script without a count: the spec's single-request call.</summary>
    private async Task<RateLimitDecision> OnRedisClockAsync(RedisKey key, int limit) =>
        Single(await Db.ScriptEvaluateAsync(RedisRateLimiter.Script, [key], [limit, Gcra.PeriodUs]), limit);

    private static long Now => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1000 + 123;

    [Theory]
    [InlineData(100, 600_000)]
    [InlineData(7, 8_571_429)]
    [InlineData(1, 60_000_000)]
    public async Task Frozen_clock_golden_vectors_match(int limit, long expectedRetryUs)
    {
        var key = FreshKey();
        var now = Now;
        for (var i = 1; i <= limit; i++)
        {
            var admitted = await AtAsync(key, limit, now);
            Assert.True(admitted.Admitted, $"request {i} of {limit} was rejected");
            if (i == 1) Assert.Equal(limit - 1, admitted.Remaining);
        }
        var rejected = await AtAsync(key, limit, now);
        var early = await AtAsync(key, limit, now + rejected.RetryUs - 1);
        var onTime = await AtAsync(key, limit, now + rejected.RetryUs);

        Assert.Equal(new RateLimitDecision(false, 0, expectedRetryUs, rejected.ResetUs), rejected);
        Assert.False(early.Admitted);
        Assert.True(onTime.Admitted);
    }

    [Fact]
    public async Task Frozen_clock_script_and_csharp_agree_request_by_request()
    {
        // Limit 7 carries the fraction; the clock moves by uneven steps, idle stretches included.
        var key = FreshKey();
        var now = Now;
        GcraState? state = null;
        long[] steps = [0, 0, 0, 1, 999_999, 3, 8_571_428, 0, 0, 0, 0, 0, 0, 0, 17, 60_000_000, 0, 5];
        foreach (var step in steps)
        {
            now += step;
            var expected = Gcra.Decide(state, now, 7, out var next);
            state = next;
            Assert.Equal(expected, await AtAsync(key, 7, now));
            var stored = (string?)await Db.StringGetAsync(key);
            Assert.Equal($"{state.Value.Tat}:{state.Value.Frac}", stored);
        }
    }

    [Theory]
    [InlineData(7, 3)]
    [InlineData(7, 12)]
    [InlineData(100, 250)]
    [InlineData(1, 2)]
    [InlineData(1_000_000, 1000)]
    public async Task A_batch_decides_and_stores_exactly_what_as_many_single_calls_at_one_instant_would(int limit, int count)
    {
        var batchKey = FreshKey();
        var singleKey = FreshKey();
        var now = Now;
        // Half the period used, with a fraction: the keys live for ~30 s of real time, longer than the
        // single calls take (expiry runs on the real clock, not the frozen one).
        var usedState = $"{now + Gcra.PeriodUs / 2 + 17}:{limit / 3}";
        await Db.StringSetAsync(batchKey, usedState, TimeSpan.FromSeconds(30));
        await Db.StringSetAsync(singleKey, usedState, TimeSpan.FromSeconds(30));

        var (admitted, baseUnits) = await BatchAtAsync(batchKey, limit, count, now);
        var singles = new List<RateLimitDecision>();
        for (var i = 0; i < count; i++) singles.Add(await AtAsync(singleKey, limit, now));

        Assert.Equal(singles, Enumerable.Range(0, count).Select(i => Gcra.InBatch(baseUnits, admitted, i, limit)));
        Assert.Equal(singles.Count(d => d.Admitted), admitted);
        Assert.Equal((string?)await Db.StringGetAsync(singleKey), (string?)await Db.StringGetAsync(batchKey));
    }

    [Fact]
    public async Task Frozen_clock_million_per_minute_admits_the_last_request_and_then_retries_in_60_us()
    {
        // 999 999 requests are already in: the state the spec's arithmetic gives for them (q = 60, r = 0).
        var key = FreshKey();
        var now = Now;
        await Db.StringSetAsync(key, $"{now + 999_999 * 60}:0");

        var last = await AtAsync(key, 1_000_000, now);
        var next = await AtAsync(key, 1_000_000, now);

        Assert.True(last.Admitted);
        Assert.Equal(0, last.Remaining);
        Assert.Equal(new RateLimitDecision(false, 0, 60, Gcra.PeriodUs), next);
    }

    [Fact]
    public async Task Burst_of_limit_plus_one_on_the_redis_clock_admits_the_limit_and_rejects_the_next()
    {
        const int limit = 5;
        var key = FreshKey();
        var decisions = new List<RateLimitDecision>();
        for (var i = 0; i <= limit; i++)
            decisions.Add(await OnRedisClockAsync(key, limit));

        Assert.All(decisions.Take(limit), d => Assert.True(d.Admitted));
        Assert.Equal([4L, 3, 2, 1, 0], decisions.Take(limit).Select(d => d.Remaining));
        var rejected = decisions[limit];
        Assert.False(rejected.Admitted);
        Assert.InRange(rejected.RetryUs, 1, Gcra.PeriodUs / limit);
        Assert.InRange(rejected.ResetUs, Gcra.PeriodUs - 1_000_000, Gcra.PeriodUs);
    }

    [Fact]
    public async Task State_is_tat_colon_frac_in_whole_microseconds_on_the_redis_clock_and_expires()
    {
        var key = FreshKey();
        var decision = await OnRedisClockAsync(key, 7);
        var time = await Db.ExecuteAsync("TIME");
        var state = (string?)await Db.StringGetAsync(key);
        var ttl = await Db.KeyTimeToLiveAsync(key);

        Assert.True(decision.Admitted);
        var match = StateFormat().Match(state ?? "");
        Assert.True(match.Success, $"state {state}");
        var tat = long.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        var redisNow = (long)((RedisResult[])time!)[0] * 1_000_000 + (long)((RedisResult[])time!)[1];
        // One request of limit 7 puts the TAT 8 571 428 µs after the script's TIME, which is just before ours.
        Assert.InRange(tat - redisNow, 8_571_428 - 1_000_000, 8_571_428);
        Assert.Equal("4", match.Groups[2].Value);
        Assert.NotNull(ttl);
        Assert.InRange(ttl.Value, TimeSpan.FromSeconds(7.5), TimeSpan.FromMilliseconds(8_572));
    }
}
