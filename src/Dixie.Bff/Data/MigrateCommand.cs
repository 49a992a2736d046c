using Dixie.Bff.Infrastructure.Configuration;

using Npgsql;

namespace Dixie.Bff.Data;

/// <summary>
/// `dixie-bff migrate [status [--json] | down &lt;filename&gt; [--force] [--yes]]` (spec 09 §4). Logs go
/// to the logger (stderr); tables, JSON and prompts go to stdout so they stay machine-readable.
/// Exit codes: 0 ok, 1 refused or usage error, 3 database failure (2 is the caller's, for configuration).
/// </summary>
public static class MigrateCommand
{
    public const int Ok = 0;
    public const int Refused = 1;

    public const string Usage = "usage: dixie-bff migrate [status [--json] | down <filename> [--force] [--yes]]";

    public static Task<int> RunAsync(string[] args, DatabaseCommandConfig config, TextReader stdin, TextWriter stdout, TextWriter stderr,
        ILoggerFactory loggerFactory, CancellationToken ct) =>
        RunAsync(args, new MigrateContext(config.DatabaseConnectionString, stdin, stdout, stderr, loggerFactory,
            new MigrationRunnerOptions(), Interactive: !Console.IsInputRedirected), ct);

    /// <summary>The same, with test seams: timeouts, extra files and whether a terminal is attached.</summary>
    internal static async Task<int> RunAsync(string[] args, MigrateContext context, CancellationToken ct)
    {
        try
        {
            return args switch
            {
                [] => await MigrateAsync(context, ct),
                ["status"] => await MigrateStatus.RunAsync(context, json: false, ct),
                ["status", "--json"] => await MigrateStatus.RunAsync(context, json: true, ct),
                ["down", .. var rest] => await MigrateDown.RunAsync(rest, context, ct),
                _ => UsageError(context.Stderr),
            };
        }
        catch (DatabaseStartupException)
        {
            // The critical line with cause and next step has been logged.
            return DatabaseStartupException.ExitCode;
        }
        catch (NpgsqlException ex) when (!ct.IsCancellationRequested)
        {
            // After the connection opened: a missing privilege on _migrations, a server restart. Still
            // one critical line and the database exit code, never a stack trace.
            MigrationLog.StepFailed(context.Logger, Step(args), (ex as PostgresException)?.SqlState ?? "-",
                (ex as PostgresException)?.MessageText ?? ex.Message);
            return DatabaseStartupException.ExitCode;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            await context.Stderr.WriteLineAsync("migrate: interrupted; a file that was running was rolled back, so nothing is half-applied.");
            return Refused;
        }
    }

    private static string Step(string[] args) => args switch
    {
        ["status", ..] => "reading the migration history",
        ["down", var file, ..] => $"rolling back {file}",
        _ => "applying migrations",
    };

    private static async Task<int> MigrateAsync(MigrateContext context, CancellationToken ct)
    {
        var report = await DatabaseStartup.MigrateAsync(context.ConnectionString, context.LoggerFactory, context.Options, ct);
        foreach (var step in report.Steps)
        {
            await context.Stdout.WriteLineAsync(step.Outcome switch
            {
                MigrationOutcome.Applied => $"{step.FileName}: applied ({step.DurationMs} ms)",
                MigrationOutcome.AlreadyApplied => $"{step.FileName}: already applied",
                _ => $"{step.FileName}: checksum mismatch (recorded {MigrateStatus.Short(step.RecordedChecksum!)}, file {MigrateStatus.Short(step.FileChecksum)}"
                    + (step.TypescriptOriginal ? ", TypeScript original)" : ")"),
            });
        }
        var foreign = report.Foreign.Count == 0 ? "none" : string.Join(", ", report.Foreign);
        await context.Stdout.WriteLineAsync(
            $"{report.Applied.Count} applied, {report.AlreadyApplied} already applied ({report.ChecksumMismatches} with a checksum mismatch); "
            + $"recorded but not in this build: {foreign}; {report.DurationMs} ms.");
        return Ok;
    }

    internal static int UsageError(TextWriter stderr)
    {
        stderr.WriteLine(Usage);
        return Refused;
    }
}

/// <summary>What every migrate subcommand works with.</summary>
internal sealed record MigrateContext(string ConnectionString, TextReader Stdin, TextWriter Stdout, TextWriter Stderr,
    ILoggerFactory LoggerFactory, MigrationRunnerOptions Options, bool Interactive)
{
    public ILogger Logger { get; } = LoggerFactory.CreateLogger(DatabaseStartup.LoggerCategory);
}
