using System.Diagnostics;
using System.Net.Sockets;
using System.Security.Authentication;
using Dixie.Bff.Infrastructure.Logging;
using Npgsql;

namespace Dixie.Bff.Data;

/// <summary>
/// The first connection of a process, with retries (spec 09 §2.3 step 3): transient failures are
/// retried within a budget (30 s) with doubling delays (0.5 s to 4 s); failures that waiting cannot
/// fix (authentication, unknown database, TLS) stop at once.
/// </summary>
public static class DatabaseConnector
{
    /// <summary>Opens a connection and runs `SELECT 1`, or logs `database_unavailable` and throws.</summary>
    public static async Task<NpgsqlConnection> OpenWithRetryAsync(string connectionString, MigrationRunnerOptions options, ILogger logger, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        var delay = options.ConnectInitialDelay;
        for (var attempt = 1; ; attempt++)
        {
            var connection = new NpgsqlConnection(connectionString);
            try
            {
                await connection.OpenAsync(ct);
                await using var probe = new NpgsqlCommand("SELECT 1", connection);
                await probe.ExecuteScalarAsync(ct);
                return connection;
            }
            catch (Exception ex) when (!ct.IsCancellationRequested)
            {
                await connection.DisposeAsync();
                var elapsed = Stopwatch.GetElapsedTime(started);
                var elapsedMs = (long)elapsed.TotalMilliseconds;
                var errorClass = ErrorClass(ex);
                if (!IsTransient(ex))
                {
                    MigrationLog.Rejected(logger, attempt, elapsedMs, errorClass);
                    throw new DatabaseStartupException(LogEvents.DatabaseUnavailable, MigrationLog.Sentences.Rejected(attempt, elapsedMs, errorClass), ex);
                }
                var remaining = options.ConnectBudget - elapsed;
                if (remaining <= TimeSpan.Zero)
                {
                    MigrationLog.Unreachable(logger, attempt, elapsedMs, errorClass);
                    throw new DatabaseStartupException(LogEvents.DatabaseUnavailable, MigrationLog.Sentences.Unreachable(attempt, elapsedMs, errorClass), ex);
                }
                MigrationLog.ConnectRetry(logger, attempt, elapsedMs, errorClass);
                // The last wait is cut short so the final attempt starts within the budget.
                await Task.Delay(delay < remaining ? delay : remaining, ct);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, options.ConnectMaxDelay.Ticks));
            }
        }
    }

    /// <summary>
    /// Socket errors (refused, unreachable, DNS), timeouts, SQLSTATE class 08, 57P03 (starting up or
    /// shutting down) and 53300 (too many connections) may pass; everything else will not.
    /// </summary>
    public static bool IsTransient(Exception ex)
    {
        if (Find<AuthenticationException>(ex) is not null) return false;
        if (Find<PostgresException>(ex) is { } pg)
        {
            return pg.SqlState.StartsWith("08", StringComparison.Ordinal)
                || pg.SqlState is PostgresErrorCodes.CannotConnectNow or PostgresErrorCodes.TooManyConnections;
        }
        return Find<SocketException>(ex) is not null || Find<TimeoutException>(ex) is not null || Find<IOException>(ex) is not null;
    }

    /// <summary>The SQLSTATE, or the type of the underlying exception; never a message that could carry the connection string.</summary>
    public static string ErrorClass(Exception ex)
    {
        if (Find<PostgresException>(ex) is { } pg) return pg.SqlState;
        Exception? cause = Find<AuthenticationException>(ex) ?? Find<SocketException>(ex)
            ?? Find<TimeoutException>(ex) ?? (Exception?)Find<IOException>(ex);
        return (cause ?? ex).GetType().Name;
    }

    private static T? Find<T>(Exception ex) where T : Exception
    {
        for (Exception? current = ex; current is not null; current = current.InnerException)
        {
            if (current is T match) return match;
        }
        return null;
    }
}
