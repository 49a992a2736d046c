using Dixie.Bff.Infrastructure.Startup;
using Npgsql;

namespace Dixie.Bff.Features.Governance.Audit;

/// <summary>
/// The background verifier of spec 08 §2.7: every 60 s each chain is verified from where the last
/// run stopped; the first run after start, and any run after a break, covers the whole chain.
/// </summary>
public sealed class AuditChainMonitor(
    NpgsqlDataSource dataSource, AuditVerifier verifier, AuditChainStatuses statuses, StartupState startup, TimeProvider clock)
    : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(60);

    // A loose index scan over idx_audit_resource: one probe per chain instead of reading every row.
    private const string ChainsSql = """
        WITH RECURSIVE chains AS (
            (SELECT resource_type FROM audit_entries ORDER BY resource_type LIMIT 1)
            UNION ALL
            SELECT (SELECT a.resource_type FROM audit_entries a WHERE a.resource_type > c.resource_type
                    ORDER BY a.resource_type LIMIT 1)
            FROM chains c WHERE c.resource_type IS NOT NULL
        )
        SELECT resource_type FROM chains WHERE resource_type IS NOT NULL
        """;

    public async Task RunOnceAsync(CancellationToken ct)
    {
        foreach (var resourceType in await ListChainsAsync(ct))
        {
            var last = statuses.Get(resourceType);
            var from = last is { Valid: true } ? last.Checkpoint : null;
            statuses.Record(resourceType, await verifier.VerifyAsync(resourceType, from, ct));
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await startup.Migrated.WaitAsync(stoppingToken);
        }
        catch (TaskCanceledException)
        {
            return;
        }
        using var timer = new PeriodicTimer(Interval, clock);
        do
        {
            try
            {
                await RunOnceAsync(stoppingToken);
            }
            catch (Exception) when (!stoppingToken.IsCancellationRequested)
            {
                // The database is away (or a row is unreadable): the records keep their last result, the
                // next tick retries, and the host is not stopped by a failing background service.
            }
        }
        while (await WaitAsync(timer, stoppingToken));
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken ct)
    {
        try
        {
            return await timer.WaitForNextTickAsync(ct);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private async Task<List<string>> ListChainsAsync(CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(ChainsSql);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var chains = new List<string>();
        while (await reader.ReadAsync(ct)) chains.Add(reader.GetString(0));
        return chains;
    }
}
