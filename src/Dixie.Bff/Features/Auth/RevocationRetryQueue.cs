using Dixie.Bff.Infrastructure.Redis;
using StackExchange.Redis;

namespace Dixie.Bff.Features.Auth;

/// <summary>
/// Revocations recorded while Redis was unreachable (spec 04 §4.5): each is retried every 5 s until
/// it is written or would have expired anyway. Until then the revoking instance answers from memory.
/// </summary>
public sealed class RevocationRetryQueue(RedisConnection redis, TimeProvider time, ILogger<RevocationRetryQueue> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    private readonly Lock _gate = new();
    private readonly List<Pending> _pending = [];

    public int PendingCount
    {
        get { lock (_gate) return _pending.Count; }
    }

    public void Enqueue(RevocationWrite write)
    {
        lock (_gate) _pending.Add(new Pending(write));
    }

    /// <summary>Writes what can be written now; true when the write reached Redis.</summary>
    public static async Task<bool> TryWriteAsync(RedisConnection redis, RevocationWrite write, DateTimeOffset now)
    {
        if (!redis.IsConnected) return false;
        try
        {
            await write.WriteAsync(redis.Database, now);
            return true;
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            return false;
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (true)
            {
                await Task.Delay(Interval, time, stoppingToken);
                await FlushAsync();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutdown: writes still queued die with this process, as its in-memory revocations do.
        }
    }

    internal async Task FlushAsync()
    {
        Pending[] due;
        lock (_gate) due = [.. _pending];
        foreach (var pending in due)
        {
            var now = time.GetUtcNow();
            var done = pending.Write.KeepUntil <= now;
            if (!done)
            {
                pending.Attempts++;
                done = await TryWriteAsync(redis, pending.Write, now);
                if (done) AuthLog.RevocationWriteRetried(logger, pending.Attempts);
            }
            if (done)
            {
                lock (_gate) _pending.Remove(pending);
            }
        }
    }

    private sealed class Pending(RevocationWrite write)
    {
        public RevocationWrite Write { get; } = write;
        // The first attempt was the revocation itself.
        public int Attempts { get; set; } = 1;
    }
}
