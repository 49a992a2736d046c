using Dixie.Bff.Data;
using Dixie.Bff.Infrastructure.Configuration;

namespace Dixie.Bff.Infrastructure.Startup;

/// <summary>
/// Steps 3–5 of spec 09 §2.3, after Kestrel is already listening: connect with retries, migrate
/// under the advisory lock, then open the gate. A failure stops the host with exit code 3.
/// </summary>
public sealed class DatabaseStartupService(
    DixieConfig config, StartupState state, ILoggerFactory loggerFactory, IHostApplicationLifetime lifetime,
    MigrationRunnerOptions options) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await DatabaseStartup.ConnectAndMigrateAsync(config.Data.DatabaseConnectionString, loggerFactory, options, stoppingToken);
            state.MarkMigrated();
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutdown during startup: nothing to report.
        }
        catch (DatabaseStartupException)
        {
            // Already logged as one critical line with the cause and the next step.
            state.MarkDatabaseStartupFailed();
            lifetime.StopApplication();
        }
    }
}
