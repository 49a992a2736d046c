using System.Diagnostics;
using Dixie.Bff.Infrastructure.Logging;
using Npgsql;

namespace Dixie.Bff.Data;

public enum MigrationOutcome { Applied, AlreadyApplied, ChecksumMismatch }

/// <summary>What happened to one embedded up file during a run.</summary>
public sealed record MigrationStep(string FileName, MigrationOutcome Outcome, long DurationMs, string? RecordedChecksum, string FileChecksum)
{
    public bool TypescriptOriginal => RecordedChecksum is { } recorded && TypeScriptOriginals.IsOriginal(FileName, recorded);
}

/// <summary>The result of one run; the same facts `migrations_applied` logs.</summary>
public sealed record MigrationReport(IReadOnlyList<MigrationStep> Steps, IReadOnlyList<string> Foreign, long DurationMs)
{
    public IReadOnlyList<string> Applied => [.. Steps.Where(s => s.Outcome == MigrationOutcome.Applied).Select(s => s.FileName)];

    /// <summary>Recorded files, whether or not their checksum still matches.</summary>
    public int AlreadyApplied => Steps.Count(s => s.Outcome != MigrationOutcome.Applied);

    public int ChecksumMismatches => Steps.Count(s => s.Outcome == MigrationOutcome.ChecksumMismatch);
}

/// <summary>
/// Applies the pending up files on the migration connection, which already holds the advisory lock
/// (spec 09 §3.4). Each file runs in its own transaction together with its `_migrations` row; a
/// recorded file is never re-applied and its row never updated.
/// </summary>
public sealed class MigrationRunner(NpgsqlConnection connection, MigrationCatalog catalog, MigrationRunnerOptions options, ILogger logger)
{
    public async Task<MigrationReport> ApplyAsync(CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        await MigrationHistory.EnsureAsync(connection, ct);
        var recorded = (await MigrationHistory.ReadAsync(connection, ct))
            .ToDictionary(row => row.FileName, row => row.Checksum, StringComparer.Ordinal);

        var steps = new List<MigrationStep>();
        foreach (var file in catalog.UpFiles)
        {
            // A missing lower number is applied even when higher ones are recorded (an adopted database without 012).
            steps.Add(recorded.TryGetValue(file.FileName, out var checksum)
                ? Compare(file, checksum)
                : await ApplyFileAsync(file, ct));
        }

        // Rows of files this build does not carry (TypeScript's 003, 004, 010, 011, 015, or a newer build's).
        var foreign = recorded.Keys.Where(name => catalog.FindUp(name) is null)
            .Order(Comparer<string>.Create(MigrationNumbers.Compare)).ToList();
        var report = new MigrationReport(steps, foreign, (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        MigrationLog.Summary(logger, report.DurationMs, report.Applied, report.AlreadyApplied, report.ChecksumMismatches, report.Foreign);
        return report;
    }

    private MigrationStep Compare(MigrationFile file, string recordedChecksum)
    {
        if (string.Equals(recordedChecksum, file.Checksum, StringComparison.Ordinal))
        {
            return new MigrationStep(file.FileName, MigrationOutcome.AlreadyApplied, 0, recordedChecksum, file.Checksum);
        }
        var step = new MigrationStep(file.FileName, MigrationOutcome.ChecksumMismatch, 0, recordedChecksum, file.Checksum);
        MigrationLog.ChecksumMismatch(logger, file.FileName, recordedChecksum, file.Checksum, step.TypescriptOriginal);
        return step;
    }

    private async Task<MigrationStep> ApplyFileAsync(MigrationFile file, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        await using var transaction = await connection.BeginTransactionAsync(ct);
        try
        {
            await using (var command = new NpgsqlCommand(file.Sql, connection, transaction))
            {
                command.CommandTimeout = (int)options.FileTimeout.TotalSeconds;
                await command.ExecuteNonQueryAsync(ct);
            }
            await MigrationHistory.RecordAsync(connection, transaction, file, ct);
            await transaction.CommitAsync(ct);
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException or InvalidOperationException)
        {
            await RollBackQuietlyAsync(transaction);
            var (sqlstate, message) = Describe(ex);
            MigrationLog.Failed(logger, file.FileName, sqlstate, message);
            throw new DatabaseStartupException(LogEvents.MigrationError, MigrationLog.Sentences.Failed(file.FileName, sqlstate, message), ex);
        }
        var durationMs = (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        MigrationLog.Applied(logger, file.FileName, durationMs);
        return new MigrationStep(file.FileName, MigrationOutcome.Applied, durationMs, null, file.Checksum);
    }

    /// <summary>When the connection is gone PostgreSQL has already rolled the file back.</summary>
    internal static async Task RollBackQuietlyAsync(NpgsqlTransaction transaction)
    {
        try
        {
            if (transaction.Connection is { State: System.Data.ConnectionState.Open }) await transaction.RollbackAsync(CancellationToken.None);
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException)
        {
            // The original failure is what matters.
        }
    }

    /// <summary>SQLSTATE and PostgreSQL's own message (never the DETAIL), or the exception type when the server did not answer.</summary>
    internal static (string Sqlstate, string Message) Describe(Exception ex) => ex switch
    {
        PostgresException pg => (pg.SqlState, pg.MessageText),
        _ => (ex.GetType().Name, ex.InnerException?.Message ?? ex.Message),
    };
}
