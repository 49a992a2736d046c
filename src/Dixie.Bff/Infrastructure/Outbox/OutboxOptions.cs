namespace Dixie.Bff.Infrastructure.Outbox;

/// <summary>The outbox worker's timings (spec 10 §3). Only the poll interval is configurable (`DIXIE_OUTBOX_POLL_MS`); tests shorten the rest.</summary>
public sealed record OutboxOptions
{
    public required TimeSpan PollInterval { get; init; }
    public int BatchSize { get; init; } = 100;
    /// <summary>
    /// How long a notification waits before its cycle: rows committed meanwhile share one claim, and the
    /// cycle stays off the CPU while the requests that just committed write their responses (ADR-016).
    /// </summary>
    public TimeSpan NotifySettle { get; init; } = TimeSpan.FromMilliseconds(20);
    /// <summary>How long one publish waits for its JetStream ack; also bounds the publish in flight at shutdown.</summary>
    public TimeSpan PublishTimeout { get; init; } = TimeSpan.FromSeconds(5);
    public TimeSpan MetricsRefreshInterval { get; init; } = TimeSpan.FromSeconds(5);
    public TimeSpan CleanupFirstDelay { get; init; } = TimeSpan.FromMinutes(1);
    public TimeSpan CleanupInterval { get; init; } = TimeSpan.FromHours(1);
    /// <summary>Published rows older than this are deleted; it matches the stream's max age.</summary>
    public TimeSpan Retention { get; init; } = TimeSpan.FromDays(7);
    public int CleanupChunk { get; init; } = 10_000;
    public TimeSpan BacklogLogInterval { get; init; } = TimeSpan.FromHours(1);
    public TimeSpan ListenerRetryMin { get; init; } = TimeSpan.FromSeconds(1);
    public TimeSpan ListenerRetryMax { get; init; } = TimeSpan.FromSeconds(30);
}

/// <summary>min(2ⁿ⁻¹ s, 300 s) after the n-th failed attempt of a row, without jitter (spec 10 §3.3).</summary>
public static class OutboxBackoff
{
    private static readonly TimeSpan Cap = TimeSpan.FromSeconds(300);

    public static TimeSpan After(int failedAttempts) =>
        failedAttempts <= 1 ? TimeSpan.FromSeconds(1)
        : failedAttempts > 9 ? Cap
        : TimeSpan.FromSeconds(Math.Min(Math.Pow(2, failedAttempts - 1), Cap.TotalSeconds));
}
