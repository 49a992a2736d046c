using Dixie.Bff.Infrastructure.Logging;

namespace Dixie.Bff.Features.Reputation;

/// <summary>The reputation log lines of spec 10 §7: counts and timings, never event contents.</summary>
public sealed partial class ReputationLog(ILogger<ReputationLog> logger)
{
    public void Ingest(int accepted, int duplicates, int rejected, int agents, long durationMs) =>
        LogIngest(logger, accepted, duplicates, rejected, agents, durationMs);

    public void Rebuild(long eventsReplayed, int agentsChecked, int differences, bool applied, long durationMs) =>
        LogRebuild(logger, eventsReplayed, agentsChecked, differences, applied, durationMs);

    public void QueryDatabaseError(string errorClass) => LogQueryDatabaseError(logger, errorClass);

    [LoggerMessage(EventId = 600, EventName = LogEvents.ReputationIngest, Level = LogLevel.Information,
        Message = "Reputation ingest: {Accepted} accepted, {Duplicates} duplicates, {Rejected} rejected")]
    private static partial void LogIngest(ILogger logger, int accepted, int duplicates, int rejected, int agents, long durationMs);

    [LoggerMessage(EventId = 601, EventName = LogEvents.ReputationRebuild, Level = LogLevel.Information,
        Message = "Reputation rebuild: {EventsReplayed} events replayed, {AgentsChecked} agents checked, {Differences} differences")]
    private static partial void LogRebuild(ILogger logger, long eventsReplayed, int agentsChecked, int differences, bool applied, long durationMs);

    // The stable name of a database outage (spec 10 §7); warn, because /query still answers (null).
    [LoggerMessage(EventId = 602, EventName = LogEvents.DatabaseUnavailable, Level = LogLevel.Warning,
        Message = "Reputation score read failed ({ErrorClass}); /query answered null")]
    private static partial void LogQueryDatabaseError(ILogger logger, string errorClass);
}
