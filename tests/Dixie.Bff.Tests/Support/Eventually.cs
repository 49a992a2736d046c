namespace Dixie.Bff.Tests.Support;

/// <summary>
/// Waiting for what happens in the background (a reconnect, a log line, a lock holder): the
/// condition is polled until it holds, and the test fails with a description when it never does.
/// </summary>
public static class Eventually
{
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);
    // Quick first looks for what is nearly there; slower later ones for a request that costs something (a health report).
    private static readonly TimeSpan FirstInterval = TimeSpan.FromMilliseconds(20);
    private static readonly TimeSpan LongestInterval = TimeSpan.FromMilliseconds(200);

    public static Task TrueAsync(Func<bool> condition, TimeSpan? timeout = null, string what = "the condition") =>
        TrueAsync(() => Task.FromResult(condition()), timeout, what);

    public static Task TrueAsync(Func<Task<bool>> condition, TimeSpan? timeout = null, string what = "the condition") =>
        ValueAsync(condition, done => done, timeout, _ => $"{what} did not become true");

    /// <summary>Reads until <paramref name="done"/> accepts the value, and returns that value.</summary>
    /// <param name="failure">The failure message, given the last value read.</param>
    public static async Task<T> ValueAsync<T>(Func<Task<T>> read, Func<T, bool> done, TimeSpan? timeout = null, Func<T, string>? failure = null)
    {
        var limit = timeout ?? DefaultTimeout;
        var deadline = DateTime.UtcNow + limit;
        var interval = FirstInterval;
        while (true)
        {
            var value = await read();
            if (done(value)) return value;
            if (DateTime.UtcNow >= deadline)
                throw new Xunit.Sdk.XunitException($"{failure?.Invoke(value) ?? $"last value: {value}"} (waited {limit.TotalSeconds:0.#} s)");
            await Task.Delay(interval);
            interval = TimeSpan.FromTicks(Math.Min(interval.Ticks * 3 / 2, LongestInterval.Ticks));
        }
    }
}
