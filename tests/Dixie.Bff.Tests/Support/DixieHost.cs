using Dixie.Bff.Infrastructure.Configuration;
using Dixie.Bff.Infrastructure.Startup;
using Dixie.Bff.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace Dixie.Bff.Tests.Support;

public sealed record DixieHostOptions
{
    /// <summary>Variables added to (or, with a null value, removed from) the test environment.</summary>
    public Dictionary<string, string?> Environment { get; init; } = [];
    /// <summary>Default: a fresh database of its own on the shared test server.</summary>
    public string? DatabaseUrl { get; init; }
    /// <summary>Default: the shared in-process finn-emulator.</summary>
    public string? FinnUrl { get; init; }
    public Action<IEndpointRouteBuilder>? MapExtra { get; init; }
    public Action<IServiceCollection>? ConfigureServices { get; init; }
    public bool WaitUntilMigrated { get; init; } = true;
    /// <summary>
    /// When set, the allowlist file lists this API key (as its digest) and <see cref="DixieHost.Client"/>
    /// sends it, so suites about the pipeline can reach gated `/api` routes with a real credential.
    /// </summary>
    public string? ApiKey { get; init; }
    /// <summary>When set, every span the host's tracer provider ends is added here (after sanitising).</summary>
    public List<System.Diagnostics.Activity>? ExportedSpans { get; init; }
}

/// <summary>
/// One dixie-bff instance on a real Kestrel listener, built by <see cref="DixieApp"/> exactly as
/// the binary builds it, from a test environment dictionary run through the real config loader.
/// </summary>
public sealed class DixieHost : IAsyncDisposable
{
    private DixieHost(WebApplication app, Uri baseUrl, LogCapture logs, IReadOnlyDictionary<string, string?> environment, string? apiKey)
    {
        App = app;
        BaseUrl = baseUrl;
        Logs = logs;
        Environment = environment;
        Client = CreateClient(baseUrl);
        if (apiKey is not null) Client.DefaultRequestHeaders.Authorization = new("Bearer", apiKey);
    }

    /// <summary>
    /// A client that behaves like an external caller: the service's tracer provider listens to
    /// HttpClient activity in this process, and an in-process client would otherwise overwrite the
    /// traceparent a test sends with its own.
    /// </summary>
    public static HttpClient CreateClient(Uri baseUrl) =>
        new(new SocketsHttpHandler { ActivityHeadersPropagator = null }) { BaseAddress = baseUrl };

    public WebApplication App { get; }
    public Uri BaseUrl { get; }
    /// <summary>Sends the host's <see cref="DixieHostOptions.ApiKey"/> when one was given.</summary>
    public HttpClient Client { get; }
    public LogCapture Logs { get; }
    public IReadOnlyDictionary<string, string?> Environment { get; }
    public T Get<T>() where T : notnull => App.Services.GetRequiredService<T>();

    public static async Task<DixieHost> StartAsync(DixieHostOptions? options = null)
    {
        options ??= new DixieHostOptions();
        var environment = await TestEnvironment.CreateAsync(options);
        var result = ConfigLoader.Load(environment, ConfigScope.Service);
        if (result.Config is not { } config)
            throw new InvalidOperationException("Test configuration is invalid: " + string.Join("; ", result.Problems));

        var builder = DixieApp.CreateBuilder(config, result.Warnings);
        var logs = new LogCapture();
        builder.Logging.ClearProviders().AddProvider(logs);
        builder.Logging.SetMinimumLevel(LogLevel.Warning).AddFilter("Dixie", config.Http.LogLevel);
        if (options.ExportedSpans is { } spans)
            builder.Services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddProcessor(new SimpleActivityExportProcessor(new LockedSpanExporter(spans))));
        options.ConfigureServices?.Invoke(builder.Services);
        var app = builder.Build();
        DixieApp.Configure(app, options.MapExtra);
        await app.StartAsync();
        var host = new DixieHost(app, new Uri($"http://127.0.0.1:{config.Http.Port}/"), logs, environment, options.ApiKey);
        if (options.WaitUntilMigrated) await host.WaitUntilMigratedAsync();
        return host;
    }

    public async Task WaitUntilMigratedAsync()
    {
        var state = Get<StartupState>();
        var finished = await Task.WhenAny(state.Migrated, Task.Delay(TimeSpan.FromSeconds(60)));
        if (finished != state.Migrated || !state.IsMigrated)
            throw new InvalidOperationException("dixie-bff did not finish migrating:\n" + Logs.AllText);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
