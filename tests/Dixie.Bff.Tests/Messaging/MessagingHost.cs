using Dixie.Bff.Infrastructure.Configuration;
using Dixie.Bff.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Dixie.Bff.Tests.Messaging;

/// <summary>
/// The registrations of one integration (AddRedis / AddNats) in a service provider whose hosted
/// services run as the web host would run them, with every log entry captured.
/// </summary>
internal sealed class MessagingHost : IAsyncDisposable
{
    private readonly ServiceProvider provider;
    private readonly List<IHostedService> started = [];

    private MessagingHost(ServiceProvider provider, LogCapture logs)
    {
        this.provider = provider;
        Logs = logs;
    }

    public LogCapture Logs { get; }

    public static async Task<MessagingHost> StartAsync(DixieConfig config, Action<IServiceCollection, DixieConfig> register)
    {
        var logs = new LogCapture();
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.ClearProviders().AddProvider(logs).SetMinimumLevel(LogLevel.Debug));
        register(services, config);
        var host = new MessagingHost(services.BuildServiceProvider(), logs);
        foreach (var service in host.provider.GetServices<IHostedService>())
        {
            await service.StartAsync(CancellationToken.None);
            host.started.Add(service);
        }

        return host;
    }

    public T Get<T>() where T : notnull => provider.GetRequiredService<T>();

    public async ValueTask DisposeAsync()
    {
        foreach (var service in Enumerable.Reverse(started))
        {
            await service.StopAsync(CancellationToken.None);
        }

        await provider.DisposeAsync();
    }
}
