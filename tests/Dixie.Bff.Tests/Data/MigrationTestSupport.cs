using Dixie.Bff.Data;
using Dixie.Bff.Tests.Support;
using Npgsql;

namespace Dixie.Bff.Tests.Data;

/// <summary>Shortcuts shared by the migration tests.</summary>
public static class MigrationTestSupport
{
    /// <summary>Short timeouts so failure paths finish quickly.</summary>
    public static MigrationRunnerOptions FastOptions(TimeSpan? lockTimeout = null, IReadOnlyList<MigrationFile>? extraFiles = null) => new()
    {
        ConnectBudget = TimeSpan.FromSeconds(3),
        ConnectInitialDelay = TimeSpan.FromMilliseconds(100),
        ConnectMaxDelay = TimeSpan.FromMilliseconds(800),
        LockTimeout = lockTimeout ?? TimeSpan.FromSeconds(10),
        ExtraFiles = extraFiles ?? [],
    };

    public static Task<MigrationReport> MigrateAsync(TestDatabase database, LogCapture logs, MigrationRunnerOptions? options = null) =>
        DatabaseStartup.MigrateAsync(database.ConnectionString, logs.Factory, options ?? FastOptions(), CancellationToken.None);

    /// <summary>Runs embedded up files directly, each in its own transaction, without recording them.</summary>
    public static async Task ApplyFilesAsync(TestDatabase database, IEnumerable<string> fileNames)
    {
        var catalog = MigrationCatalog.Load();
        await using var connection = await database.OpenAsync();
        foreach (var name in fileNames)
        {
            var file = catalog.FindUp(name) ?? catalog.FindDown(name[..^"_down.sql".Length] + ".sql")
                ?? throw new ArgumentException($"no embedded file {name}");
            await using var transaction = await connection.BeginTransactionAsync();
            await using (var command = new NpgsqlCommand(file.Sql, connection, transaction)) await command.ExecuteNonQueryAsync();
            await transaction.CommitAsync();
        }
    }

    public static IReadOnlyList<string> AdoptedFileNames =>
        [.. MigrationCatalog.Load().UpFiles.Where(f => f.Number <= 14).Select(f => f.FileName)];

    public static Task<List<string>> RecordedAsync(TestDatabase database) =>
        database.ColumnAsync("SELECT filename FROM _migrations ORDER BY id");
}
