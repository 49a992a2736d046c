using Dixie.Bff;
using Dixie.Bff.Data;
using Dixie.Bff.Features.Allowlist;
using Dixie.Bff.Features.Health;
using Dixie.Bff.Features.Reputation;
using Dixie.Bff.Infrastructure.Configuration;
using Dixie.Bff.Infrastructure.Logging;
using Dixie.Bff.Infrastructure.Startup;

// One binary, several commands (spec 12 §3): the service itself and the operator subcommands.
var environment = ConfigLoader.ProcessEnvironment();
switch (args)
{
    case ["healthcheck", .. var rest]:
        return await HealthcheckCommand.RunAsync(rest, environment, Console.Out, Console.Error);
    case ["config", "check"]:
        return ConfigCheckCommand.Run(environment, Console.Out, Console.Error);
    case ["migrate", .. var rest]:
        return await RunDatabaseCommandAsync(rest);
    case ["reputation", "rebuild", .. var rest]:
        return await RunRebuildAsync(rest);
    case []:
        return await ServeAsync();
    default:
        await Console.Error.WriteLineAsync("usage: dixie-bff [healthcheck [url] | config check | migrate [status [--json] | down <file> [--force] [--yes]] | reputation rebuild [nftId] [--apply] [--json]]");
        return 2;
}

async Task<int> ServeAsync()
{
    // The whole environment is validated before the host exists; all problems at once (spec 01 §6).
    var result = ConfigLoader.Load(environment, ConfigScope.Service);
    if (result.Config is not { } config)
    {
        ConfigReport.WriteProblems(result, Console.Error);
        return ConfigExitCodes.Invalid;
    }
    WebApplication app;
    try
    {
        app = DixieApp.CreateBuilder(config, result.Warnings, args).Build();
    }
    catch (InvalidAllowlistFileException invalid)
    {
        // An access-control file that cannot be read is not silently replaced by "nobody" (spec 04 §5.2).
        await Console.Error.WriteLineAsync(invalid.Message);
        return ConfigExitCodes.Invalid;
    }
    DixieApp.Configure(app);
    var startup = app.Services.GetRequiredService<StartupState>();
    await app.RunAsync();
    return startup.ExitCode;
}

async Task<int> RunDatabaseCommandAsync(string[] rest)
{
    var result = ConfigLoader.Load(environment, ConfigScope.Database);
    if (result.Database is not { } database)
    {
        ConfigReport.WriteProblems(result, Console.Error);
        return ConfigExitCodes.Invalid;
    }
    using var loggerFactory = LoggingSetup.CreateCommandLoggerFactory(database.LogLevel);
    using var stop = new CancellationTokenSource();
    Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };
    return await MigrateCommand.RunAsync(rest, database, Console.In, Console.Out, Console.Error, loggerFactory, stop.Token);
}

async Task<int> RunRebuildAsync(string[] rest)
{
    var result = ConfigLoader.Load(environment, ConfigScope.Database);
    if (result.Database is not { } database)
    {
        ConfigReport.WriteProblems(result, Console.Error);
        return RebuildCommand.Failed;
    }
    using var loggerFactory = LoggingSetup.CreateCommandLoggerFactory(database.LogLevel);
    using var stop = new CancellationTokenSource();
    Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };
    return await RebuildCommand.RunAsync(rest, database.DatabaseConnectionString, Console.Out, Console.Error, loggerFactory, stop.Token);
}
