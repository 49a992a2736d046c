using Dixie.Bff.Infrastructure.Startup;

namespace Dixie.Bff.Infrastructure.Http;

/// <summary>Turns readiness off as soon as SIGTERM arrives, while in-flight requests drain.</summary>
public sealed class ShutdownNotifier(IHostApplicationLifetime lifetime, StartupState state) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStopping.Register(state.MarkShuttingDown);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
