using Dixie.Bff.Infrastructure.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace Dixie.Bff.Infrastructure.Logging;

public static class LoggingSetup
{
    /// <summary>
    /// JSON lines on stdout (stderr for the subcommands); our `Dixie.*` categories follow LOG_LEVEL,
    /// framework and library categories log at Warning and above whatever the level (spec 10 §7).
    /// </summary>
    public static ILoggingBuilder AddDixieLogging(this ILoggingBuilder logging, LogLevel level, bool toStandardError = false)
    {
        logging.ClearProviders();
        logging.SetMinimumLevel(LogLevel.Warning);
        logging.AddFilter("Dixie", level);
        // NATS.Net logs every failed (re)connect attempt, every 1–5 s while NATS is down; our own
        // nats_disconnected / nats_connect_failed events report outages once.
        logging.AddFilter("NATS.Client.Core.NatsConnection", LogLevel.Critical);
        logging.AddConsole(options =>
        {
            options.FormatterName = JsonLogFormatter.FormatterName;
            if (toStandardError) options.LogToStandardErrorThreshold = LogLevel.Trace;
        });
        logging.AddConsoleFormatter<JsonLogFormatter, ConsoleFormatterOptions>();
        return logging;
    }

    public static ILoggerFactory CreateCommandLoggerFactory(LogLevel level) =>
        LoggerFactory.Create(builder => builder.AddDixieLogging(level, toStandardError: true));
}
