using Npgsql;

namespace Dixie.Bff.Data;

/// <summary>
/// `migrate down &lt;filename&gt; [--force] [--yes]`: rolls back one applied file by running its
/// `_down` file and deleting its `_migrations` row in one transaction, under the migration lock
/// (spec 09 §4). Refusals exit 1 and change nothing.
/// </summary>
internal static class MigrateDown
{
    public const string Reminder = "The next start of this build re-applies the file. To keep it rolled back, deploy a build without it.";

    public static async Task<int> RunAsync(string[] args, MigrateContext context, CancellationToken ct)
    {
        if (!TryParse(args, out var fileName, out var force, out var yes)) return MigrateCommand.UsageError(context.Stderr);

        var catalog = DatabaseStartup.LoadCatalog(context.Options, context.Logger);
        await using var connection = await DatabaseStartup.OpenMigrationConnectionAsync(context.ConnectionString, context.Options, context.Logger, ct);
        if (Refusal(await MigrationHistory.ReadAsync(connection, ct), catalog, fileName, force) is { } refusal)
        {
            return Refuse(context, refusal);
        }
        var down = catalog.FindDown(fileName)!;

        // Confirmation happens before the lock is taken so that a waiting operator never blocks a starting instance.
        if (!yes && !await ConfirmAsync(context, fileName, down, ct)) return MigrateCommand.Refused;

        return await DatabaseStartup.WithLockAsync(connection, context.Options, context.Logger, $"rolling back {fileName}", async () =>
        {
            await using var transaction = await connection.BeginTransactionAsync(ct);
            // Checked again under the lock: the rows may have changed while the operator was typing.
            if (Refusal(await MigrationHistory.ReadAsync(connection, ct, transaction), catalog, fileName, force) is { } late)
            {
                return Refuse(context, late);
            }
            try
            {
                await using (var command = new NpgsqlCommand(down.Sql, connection, transaction))
                {
                    command.CommandTimeout = (int)context.Options.FileTimeout.TotalSeconds;
                    await command.ExecuteNonQueryAsync(ct);
                }
                await MigrationHistory.ForgetAsync(connection, transaction, fileName, ct);
                await transaction.CommitAsync(ct);
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.RaiseException)
            {
                // The down file refused (020 with completed tasks, 021 with unpublished events).
                return Refuse(context, $"{down.FileName} refused: {ex.MessageText} Nothing was changed.");
            }
            MigrationLog.RolledBack(context.Logger, fileName);
            await context.Stdout.WriteLineAsync($"Rolled back {fileName}.");
            await context.Stdout.WriteLineAsync(Reminder);
            return MigrateCommand.Ok;
        }, ct);
    }

    /// <summary>Why the rollback is refused, in the order of spec 09 §4, or null.</summary>
    public static string? Refusal(IReadOnlyList<AppliedMigration> recorded, MigrationCatalog catalog, string fileName, bool force)
    {
        if (!recorded.Any(r => string.Equals(r.FileName, fileName, StringComparison.Ordinal)))
        {
            return $"{fileName} is not recorded in _migrations, so there is nothing to roll back.";
        }
        if (catalog.FindUp(fileName) is null || catalog.FindDown(fileName) is null)
        {
            return $"This build has no rollback file for {fileName}, so it cannot roll it back.";
        }
        var last = recorded.Select(r => r.FileName).Max(Comparer<string>.Create(MigrationNumbers.Compare))!;
        if (!force && !string.Equals(last, fileName, StringComparison.Ordinal))
        {
            return $"{fileName} is not the last applied migration ({last} is), and a later file may depend on it. "
                + "Roll back the later files first, or pass --force if nothing depends on it.";
        }
        return null;
    }

    private static async Task<bool> ConfirmAsync(MigrateContext context, string fileName, MigrationFile down, CancellationToken ct)
    {
        if (!context.Interactive)
        {
            Refuse(context, $"Rolling back {fileName} needs confirmation; without a terminal, pass --yes.");
            return false;
        }
        await context.Stdout.WriteLineAsync($"This runs {down.FileName} and deletes the _migrations row of {fileName}. Data in what it drops is lost.");
        await context.Stdout.WriteAsync($"Type {fileName} to confirm: ");
        await context.Stdout.FlushAsync(ct);
        var answer = (await context.Stdin.ReadLineAsync(ct))?.Trim();
        if (string.Equals(answer, fileName, StringComparison.Ordinal) || string.Equals(answer, fileName[..^".sql".Length], StringComparison.Ordinal))
        {
            return true;
        }
        Refuse(context, "Not confirmed; nothing was changed.");
        return false;
    }

    private static bool TryParse(string[] args, out string fileName, out bool force, out bool yes)
    {
        fileName = "";
        force = false;
        yes = false;
        foreach (var arg in args)
        {
            switch (arg)
            {
                case "--force": force = true; break;
                case "--yes": yes = true; break;
                case var flag when flag.StartsWith('-'): return false;
                case var name when fileName.Length == 0: fileName = name.EndsWith(".sql", StringComparison.Ordinal) ? name : name + ".sql"; break;
                default: return false;
            }
        }
        return fileName.Length > 0;
    }

    private static int Refuse(MigrateContext context, string reason)
    {
        context.Stderr.WriteLine(reason);
        return MigrateCommand.Refused;
    }
}
