using Dixie.Bff.Infrastructure.Postgres;
using Npgsql;

namespace Dixie.Bff.Features.Health;

/// <summary>
/// The reputation aggregate count shown by `/api/health`: read at most every 10 s, single-flight,
/// bounded at 2 s; a failed read keeps the last value and never fails the health response.
/// </summary>
public sealed class AggregateCountCache(NpgsqlDataSource dataSource, TimeProvider time)
{
    private const string CountSql = "SELECT count(*) FROM reputation_aggregates";
    private static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(10);
    private readonly Lock _gate = new();
    private Task? _refresh;
    private DateTimeOffset _readAt = DateTimeOffset.MinValue;

    public bool Initialized { get; private set; }

    public long Count { get; private set; }

    /// <summary>Refreshes when stale; the caller reads <see cref="Count"/> afterwards.</summary>
    public Task RefreshIfStaleAsync()
    {
        lock (_gate)
        {
            if (time.GetUtcNow() - _readAt < MaxAge) return Task.CompletedTask;
            return _refresh ??= RefreshAsync();
        }
    }

    private async Task RefreshAsync()
    {
        // Never complete synchronously: the reset in `finally` must run after the caller has stored this task.
        await Task.Yield();
        try
        {
            using var timeout = new CancellationTokenSource(PostgresHealthProbe.Timeout);
            await using var connection = await dataSource.OpenWithinAsync(timeout.Token);
            await using var command = new NpgsqlCommand(CountSql, connection);
            Count = Convert.ToInt64(await command.ExecuteScalarAsync(timeout.Token), System.Globalization.CultureInfo.InvariantCulture);
            Initialized = true;
            lock (_gate) _readAt = time.GetUtcNow();
        }
        catch (Exception)
        {
            // Keep the previous value; the postgresql entry of the report carries the failure.
        }
        finally
        {
            lock (_gate) _refresh = null;
        }
    }
}
