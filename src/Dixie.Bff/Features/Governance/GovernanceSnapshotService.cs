using Dixie.Bff.Infrastructure.Startup;

namespace Dixie.Bff.Features.Governance;

/// <summary>Refreshes the governance snapshot every 30 s once migrations are done (spec 08 §1.4).</summary>
public sealed class GovernanceSnapshotService(GovernanceChecks checks, StartupState startup, TimeProvider clock) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await startup.Migrated.WaitAsync(stoppingToken);
            using var timer = new PeriodicTimer(Interval, clock);
            do
            {
                await checks.RefreshAsync(stoppingToken);
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }
}
