using Dixie.Bff.Infrastructure.Logging;

namespace Dixie.Bff.Data;

// One event may have several sentences (holder known or not, unreachable or refused): the event name
// is what alerts match, the message is for the operator.
#pragma warning disable SYSLIB1025

/// <summary>
/// The database startup's log lines (spec 09 §2.3, §3; spec 10 §7). The critical lines are complete
/// sentences giving the cause and the next step; <see cref="Sentences"/> builds the same text for the
/// exception that carries it to the exit code.
/// </summary>
internal static partial class MigrationLog
{
    [LoggerMessage(EventId = 901, EventName = LogEvents.DatabaseConnectRetry, Level = LogLevel.Warning,
        Message = "Connecting to PostgreSQL failed on attempt {Attempt} after {ElapsedMs} ms ({ErrorClass}); retrying.")]
    public static partial void ConnectRetry(ILogger logger, int attempt, long elapsedMs, string errorClass);

    [LoggerMessage(EventId = 902, EventName = LogEvents.DatabaseUnavailable, Level = LogLevel.Critical,
        Message = "PostgreSQL could not be reached after {Attempt} attempts in {ElapsedMs} ms (last error {ErrorClass}); check that the database server is running and that DATABASE_URL names the right host and port.")]
    public static partial void Unreachable(ILogger logger, int attempt, long elapsedMs, string errorClass);

    [LoggerMessage(EventId = 903, EventName = LogEvents.DatabaseUnavailable, Level = LogLevel.Critical,
        Message = "PostgreSQL refused the connection on attempt {Attempt} after {ElapsedMs} ms with {ErrorClass}; retrying cannot fix this, so check the user, password, database name and TLS settings in DATABASE_URL.")]
    public static partial void Rejected(ILogger logger, int attempt, long elapsedMs, string errorClass);

    [LoggerMessage(EventId = 904, EventName = LogEvents.MigrationLockWaiting, Level = LogLevel.Information,
        Message = "Waiting for the migration lock (key -420369755); it is held by pid {HolderPid} (application_name {HolderApplication}, started {HolderSince}).")]
    public static partial void LockWaiting(ILogger logger, int holderPid, string holderApplication, string holderSince);

    [LoggerMessage(EventId = 905, EventName = LogEvents.MigrationLockWaiting, Level = LogLevel.Information,
        Message = "Waiting for the migration lock (key -420369755); its holder could not be identified.")]
    public static partial void LockWaitingUnknownHolder(ILogger logger);

    [LoggerMessage(EventId = 906, EventName = LogEvents.MigrationLockTimeout, Level = LogLevel.Critical,
        Message = "Could not acquire the migration lock (key -420369755) within {TimeoutSeconds} s; it is held by pid {HolderPid} (application_name {HolderApplication}, started {HolderSince}). Another instance may be migrating; see the runbook section 'Migration lock timeout'.")]
    public static partial void LockTimeout(ILogger logger, int timeoutSeconds, int holderPid, string holderApplication, string holderSince);

    [LoggerMessage(EventId = 907, EventName = LogEvents.MigrationLockTimeout, Level = LogLevel.Critical,
        Message = "Could not acquire the migration lock (key -420369755) within {TimeoutSeconds} s; its holder could not be identified. Another instance may be migrating; see the runbook section 'Migration lock timeout'.")]
    public static partial void LockTimeoutUnknownHolder(ILogger logger, int timeoutSeconds);

    [LoggerMessage(EventId = 908, EventName = LogEvents.MigrationApplied, Level = LogLevel.Information,
        Message = "Applied migration {Filename} in {DurationMs} ms.")]
    public static partial void Applied(ILogger logger, string filename, long durationMs);

    [LoggerMessage(EventId = 909, EventName = LogEvents.MigrationChecksumMismatch, Level = LogLevel.Warning,
        Message = "Migration {Filename} was recorded with checksum {RecordedChecksum} but the embedded file has {FileChecksum} (typescript_original {TypescriptOriginal}); it is not applied again.")]
    public static partial void ChecksumMismatch(ILogger logger, string filename, string recordedChecksum, string fileChecksum, bool typescriptOriginal);

    [LoggerMessage(EventId = 910, EventName = LogEvents.MigrationError, Level = LogLevel.Critical,
        Message = "Migration {Filename} failed: {Sqlstate} {PostgresMessage}. This file left no changes; later files were not attempted.")]
    public static partial void Failed(ILogger logger, string filename, string sqlstate, string postgresMessage);

    [LoggerMessage(EventId = 911, EventName = LogEvents.MigrationError, Level = LogLevel.Critical,
        Message = "Migration file {Filename} is not usable: {Reason}. Nothing was applied; this build's migration files must be fixed.")]
    public static partial void Unusable(ILogger logger, string filename, string reason);

    [LoggerMessage(EventId = 915, EventName = LogEvents.MigrationError, Level = LogLevel.Critical,
        Message = "Migrating stopped while {Step}: {Sqlstate} {PostgresMessage}. No file was left half-applied; check the database and start again.")]
    public static partial void StepFailed(ILogger logger, string step, string sqlstate, string postgresMessage);

    [LoggerMessage(EventId = 912, EventName = LogEvents.MigrationsApplied, Level = LogLevel.Information,
        Message = "Migrations finished in {DurationMs} ms. Applied: [{Applied}]. Already applied: {AlreadyApplied}. Checksum mismatches: {ChecksumMismatches}. Not in this build: [{Foreign}].")]
    public static partial void Summary(ILogger logger, long durationMs, IReadOnlyList<string> applied, int alreadyApplied,
        int checksumMismatches, IReadOnlyList<string> foreign);

    [LoggerMessage(EventId = 913, EventName = LogEvents.MigrationRolledBack, Level = LogLevel.Warning,
        Message = "Rolled back migration {Filename}; the next start of this build applies it again.")]
    public static partial void RolledBack(ILogger logger, string filename);

    [LoggerMessage(EventId = 914, EventName = LogEvents.RlsBlocksServiceRole, Level = LogLevel.Error,
        Message = "Row-level security on [{Tables}] applies to the current role, which neither owns these tables nor bypasses RLS (or RLS is forced); queries would silently see no rows. Connect as the tables' owner or disable row-level security on them.")]
    public static partial void RlsBlocks(ILogger logger, IReadOnlyList<string> tables);

    /// <summary>The critical lines' text, for <see cref="DatabaseStartupException"/>.</summary>
    public static class Sentences
    {
        public static string Unreachable(int attempt, long elapsedMs, string errorClass) =>
            $"PostgreSQL could not be reached after {attempt} attempts in {elapsedMs} ms (last error {errorClass}); check that the database server is running and that DATABASE_URL names the right host and port.";

        public static string Rejected(int attempt, long elapsedMs, string errorClass) =>
            $"PostgreSQL refused the connection on attempt {attempt} after {elapsedMs} ms with {errorClass}; retrying cannot fix this, so check the user, password, database name and TLS settings in DATABASE_URL.";

        public static string LockTimeout(int timeoutSeconds, LockHolder? holder) => holder is { } h
            ? $"Could not acquire the migration lock (key -420369755) within {timeoutSeconds} s; it is held by pid {h.Pid} (application_name {h.ApplicationName}, started {h.Since}). Another instance may be migrating; see the runbook section 'Migration lock timeout'."
            : $"Could not acquire the migration lock (key -420369755) within {timeoutSeconds} s; its holder could not be identified. Another instance may be migrating; see the runbook section 'Migration lock timeout'.";

        public static string Failed(string filename, string sqlstate, string postgresMessage) =>
            $"Migration {filename} failed: {sqlstate} {postgresMessage}. This file left no changes; later files were not attempted.";

        public static string StepFailed(string step, string sqlstate, string postgresMessage) =>
            $"Migrating stopped while {step}: {sqlstate} {postgresMessage}. No file was left half-applied; check the database and start again.";

        public static string Unusable(string filename, string reason) =>
            $"Migration file {filename} is not usable: {reason}. Nothing was applied; this build's migration files must be fixed.";
    }
}
