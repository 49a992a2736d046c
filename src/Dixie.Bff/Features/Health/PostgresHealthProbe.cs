using System.Diagnostics;
using Dixie.Bff.Infrastructure;
using Dixie.Bff.Infrastructure.Postgres;
using Npgsql;

namespace Dixie.Bff.Features.Health;

/// <summary>Opens a pooled connection and runs `SELECT 1`, both within 2 s (spec 03 §3.2).</summary>
public sealed class PostgresHealthProbe(NpgsqlDataSource dataSource, HealthProbeLog log) : IInfrastructureProbe
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);

    public string Name => "postgresql";

    public async Task<ProbeResult> ProbeAsync(CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        try
        {
            await using var connection = await dataSource.OpenWithinAsync(timeout.Token);
            await using var command = new NpgsqlCommand("SELECT 1", connection);
            await command.ExecuteScalarAsync(timeout.Token);
            return ProbeResult.Ok(Stopwatch.GetElapsedTime(started));
        }
        catch (Exception ex) when (IsTimeout(ex, timeout))
        {
            log.Failed(Name, "timeout", ex);
            return ProbeResult.Failed(Stopwatch.GetElapsedTime(started), "PostgreSQL timed out");
        }
        catch (Exception ex)
        {
            log.Failed(Name, "connection failed", ex);
            return ProbeResult.Failed(Stopwatch.GetElapsedTime(started), "PostgreSQL connection failed");
        }
    }

    /// <summary>Waiting for a pooled connection also counts as a timeout.</summary>
    private static bool IsTimeout(Exception ex, CancellationTokenSource timeout) =>
        timeout.IsCancellationRequested || ex is TimeoutException || ex.InnerException is TimeoutException
        || ex is NpgsqlException && ex.Message.Contains("timeout", StringComparison.OrdinalIgnoreCase);
}
