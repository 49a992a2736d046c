using System.Net;
using Dixie.FinnEmulator.Admin;
using Dixie.FinnEmulator.Agent;
using Dixie.FinnEmulator.Faults;
using Dixie.FinnEmulator.Health;
using Dixie.FinnEmulator.Pipeline;
using Dixie.FinnEmulator.Sessions;
using Dixie.FinnEmulator.WebSockets;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Dixie.FinnEmulator.Hosting;

/// <summary>
/// Builds the emulator host. <c>Program</c> runs it from the command line; tests host it in process
/// on port 0 through <see cref="StartAsync"/>.
/// </summary>
public static class FinnEmulatorApp
{
    public static WebApplication Build(EmulatorOptions options)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = [],
            ApplicationName = "finn-emulator",
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = 8 * 1024 * 1024;
            kestrel.Listen(options.Bind == "localhost" ? IPAddress.Loopback : IPAddress.Parse(options.Bind), options.Port);
        });
        // stdout carries only the listening line that scripts parse; logs go to stderr.
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(console => console.SingleLine = true);
        builder.Logging.AddFilter<Microsoft.Extensions.Logging.Console.ConsoleLoggerProvider>(level => level >= options.LogLevel);
        builder.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(
            console => console.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Logging.SetMinimumLevel(options.LogLevel);
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = TimeSpan.FromSeconds(1));
        builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Insert(0, EmulatorJsonContext.Default));

        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(new Uptime());
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<SessionStore>();
        builder.Services.AddSingleton<RequestLog>();
        builder.Services.AddSingleton<Counters>();
        builder.Services.AddSingleton<ProcessFaults>();
        builder.Services.AddSingleton<BearerGate>();
        builder.Services.AddSingleton(new StakingMap(options.StakingFile));
        builder.Services.AddSingleton<TbaRegistry>();
        builder.Services.AddSingleton<WsRegistry>();
        builder.Services.AddSingleton<WsServices>();

        var app = builder.Build();
        app.UseWebSockets();
        app.UseRouting();
        app.UseMiddleware<RequestPipeline>();

        var counters = app.Services.GetRequiredService<Counters>();
        app.MapGroup("").AsEmulatorRoutes(RouteKind.Open, counters).MapHealthz();
        app.MapGroup("/_emulator").AsEmulatorRoutes(RouteKind.Open, counters).MapAdmin();
        var finn = app.MapGroup("").AsEmulatorRoutes(RouteKind.Finn, counters);
        finn.MapHealth();
        finn.MapSessions();
        if (!options.Strict)
        {
            finn.MapAgent();
        }
        app.MapGroup("").AsEmulatorRoutes(RouteKind.WebSocket, counters).MapWebSockets();

        // Shutdown closes WebSockets with 1001 so the process can exit within a second.
        var sockets = app.Services.GetRequiredService<WsRegistry>();
        app.Lifetime.ApplicationStopping.Register(() => sockets.CloseAllAsync("Server shutting down").Wait(TimeSpan.FromMilliseconds(500)));
        return app;
    }

    /// <summary>Builds and starts an emulator; with <c>Port = 0</c> the returned URL has the real port.</summary>
    public static async Task<RunningEmulator> StartAsync(EmulatorOptions options, CancellationToken cancellationToken = default)
    {
        var app = Build(options);
        await app.StartAsync(cancellationToken);
        return new RunningEmulator(app, BaseUrl(app));
    }

    /// <summary>The bound base URL of a started emulator, e.g. <c>http://127.0.0.1:41234</c> (no trailing slash).</summary>
    public static string BaseUrl(WebApplication app)
    {
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var address = addresses.FirstOrDefault() ?? throw new InvalidOperationException("the emulator is not listening yet");
        return address.TrimEnd('/');
    }
}
