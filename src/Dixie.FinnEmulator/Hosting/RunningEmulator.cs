using Dixie.FinnEmulator.Faults;

namespace Dixie.FinnEmulator.Hosting;

/// <summary>A started in-process emulator; disposing stops it.</summary>
public sealed class RunningEmulator(WebApplication app, string baseUrl) : IAsyncDisposable
{
    public WebApplication App { get; } = app;

    /// <summary>e.g. <c>http://127.0.0.1:41234</c>, without a trailing slash.</summary>
    public string BaseUrl { get; } = baseUrl;

    public Uri BaseUri { get; } = new(baseUrl + "/");

    /// <summary><c>ws://…</c> form of <see cref="BaseUrl"/>.</summary>
    public string WebSocketUrl => "ws" + BaseUrl["http".Length..];

    /// <summary>The same as <c>POST /_emulator/faults</c>, without HTTP.</summary>
    public void SetFault(FaultSetting setting) => App.Services.GetRequiredService<ProcessFaults>().Set(setting);

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
