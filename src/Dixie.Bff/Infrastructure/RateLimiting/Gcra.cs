namespace Dixie.Bff.Infrastructure.RateLimiting;

/// <summary>
/// The GCRA state of one key (spec 02 §10.3): the theoretical arrival time as whole microseconds
/// <see cref="Tat"/> plus <see cref="Frac"/>/L µs, with 0 ≤ Frac &lt; L.
/// </summary>
public readonly record struct GcraState(long Tat, long Frac);

/// <summary>What the limiter decided for one request; times in microseconds.</summary>
public readonly record struct RateLimitDecision(bool Admitted, long Remaining, long RetryUs, long ResetUs);

/// <summary>
/// GCRA with exact integer arithmetic: spec 02 §10.3's step for one request, taken for n requests at
/// once in closed form as the Lua script of §10.4 (ADR 015) does, so both backends decide identically. Every product stays below 2^53 (P·L ≤ 6·10^13).
/// </summary>
public static class Gcra
{
    /// <summary>The period P: one minute in microseconds.</summary>
    public const long PeriodUs = 60_000_000;

    /// <summary>
    /// Decides a request at <paramref name="nowUs"/> against <paramref name="state"/> (null when the
    /// key has none). <paramref name="next"/> is the state to store when admitted, else the unchanged state.
    /// </summary>
    public static RateLimitDecision Decide(GcraState? state, long nowUs, int limit, out GcraState next)
    {
        var (admitted, baseUnits) = DecideBatch(state, nowUs, limit, 1, out next);
        return InBatch(baseUnits, admitted, 0, limit);
    }

    /// <summary>
    /// Decides <paramref name="count"/> requests at one instant in one step, exactly as <paramref name="count"/>
    /// calls of <see cref="Decide"/> at <paramref name="nowUs"/> would: each admitted request adds P/L to the
    /// TAT, so the first k = min(count, ⌊(capacity − base)/P⌋) are admitted and the rest rejected, where
    /// base = (tat − now)·L + frac. Returns k and base; <see cref="InBatch"/> gives each request its decision.
    /// </summary>
    public static (long Admitted, long BaseUnits) DecideBatch(GcraState? state, long nowUs, int limit, int count, out GcraState next)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        long l = limit;
        var q = PeriodUs / l;
        var r = PeriodUs - q * l;
        var (tat, frac) = state is { } s && s.Tat >= nowUs ? (s.Tat, s.Frac) : (nowUs, 0L);
        var baseUnits = (tat - nowUs) * l + frac;
        var admitted = Math.Clamp((PeriodUs * l - baseUnits) / PeriodUs, 0, count);
        var carried = frac + admitted * r;
        next = admitted == 0 ? new GcraState(tat, frac) : new GcraState(tat + admitted * q + carried / l, carried % l);
        return (admitted, baseUnits);
    }

    /// <summary>
    /// The decision of request <paramref name="index"/> (0-based, in arrival order) of a batch in which
    /// <paramref name="admitted"/> were admitted from <paramref name="baseUnits"/>: what the single-request
    /// step would have told it.
    /// </summary>
    public static RateLimitDecision InBatch(long baseUnits, long admitted, int index, int limit)
    {
        long l = limit;
        var capacity = PeriodUs * l;
        if (index < admitted)
        {
            var ahead = baseUnits + (index + 1) * PeriodUs;
            return new RateLimitDecision(true, (capacity - ahead) / PeriodUs, 0, CeilDiv(ahead, l));
        }
        var rejectedAhead = baseUnits + (admitted + 1) * PeriodUs;
        return new RateLimitDecision(false, 0, CeilDiv(rejectedAhead - capacity, l), CeilDiv(baseUnits + admitted * PeriodUs, l));
    }

    /// <summary>⌈a/b⌉ for b &gt; 0 and a ≥ 0, as Lua's math.ceil of the exact quotient.</summary>
    internal static long CeilDiv(long a, long b) => a <= 0 ? -(-a / b) : (a + b - 1) / b;
}
