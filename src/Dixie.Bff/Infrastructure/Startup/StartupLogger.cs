using System.Diagnostics;
using Dixie.Bff.Features.Governance.Mutations;
using Dixie.Bff.Infrastructure.Configuration;
using Dixie.Bff.Infrastructure.Logging;
using Dixie.Bff.Infrastructure.Telemetry;

namespace Dixie.Bff.Infrastructure.Startup;

/// <summary>The configuration warnings found before the host existed, kept until logging starts.</summary>
public sealed record StartupWarnings(IReadOnlyList<ConfigWarning> Warnings);

/// <summary>Logs the lifecycle events of spec 10 §7 and each configuration warning once.</summary>
public sealed partial class StartupLogger(
    DixieConfig config, StartupWarnings warnings, StartupState state, InstanceSession session, IHostApplicationLifetime lifetime,
    ILogger<StartupLogger> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        LogStarting(logger, DixieTelemetry.Version, config.Environment.ToString().ToLowerInvariant(), config.Http.Port, session.Id);
        foreach (var warning in warnings.Warnings) LogConfigWarning(logger, warning.Variable, warning.Reason);
        state.Migrated.ContinueWith(
            task => { if (task.IsCompletedSuccessfully) LogReady(logger, (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds); },
            CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        lifetime.ApplicationStopping.Register(() => LogStopping(logger));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 10, EventName = LogEvents.ServiceStarting, Level = LogLevel.Information,
        Message = "dixie-bff {Version} starting ({Environment}) on port {Port}, session {SessionId}")]
    // session_id is the id every mutation-log row of this process carries (spec 08 §3).
    private static partial void LogStarting(ILogger logger, string version, string environment, int port, Guid sessionId);

    [LoggerMessage(EventId = 11, EventName = LogEvents.ServiceReady, Level = LogLevel.Information,
        Message = "dixie-bff ready after {StartupMs} ms")]
    private static partial void LogReady(ILogger logger, long startupMs);

    [LoggerMessage(EventId = 12, EventName = LogEvents.ServiceStopping, Level = LogLevel.Information,
        Message = "dixie-bff stopping")]
    private static partial void LogStopping(ILogger logger);

    [LoggerMessage(EventId = 13, EventName = LogEvents.ConfigWarning, Level = LogLevel.Warning,
        Message = "Configuration warning for {Variable}: {Reason}")]
    private static partial void LogConfigWarning(ILogger logger, string variable, string reason);
}
