namespace Dixie.Bff.Tests.Infrastructure;

/// <summary>
/// One initdb per test process: initdb takes seconds on a busy machine, copying its result takes
/// a fraction of that, so every private cluster after the first starts from a copy.
/// </summary>
internal static class PostgresTemplate
{
    // The superuser needs no password, so the harness can always get in; every other role must give
    // its own, so a test of wrong credentials sees the rejection a production server gives.
    private const string ClientAuthentication = """
        local  all  all                     trust
        host   all  postgres  127.0.0.1/32  trust
        host   all  all       127.0.0.1/32  scram-sha-256
        """;

    private static readonly Lazy<Task<string>> Template = new(CreateAsync);

    /// <summary>Copies a freshly initialised data directory to <paramref name="dataDirectory"/> (which must not exist).</summary>
    public static async Task CopyToAsync(string dataDirectory)
    {
        var template = await Template.Value;
        await ToolCommand.RunCheckedAsync("cp", ["-a", template, dataDirectory]);
    }

    private static async Task<string> CreateAsync()
    {
        var directory = ServerDirectory.Create("pg-template");
        await PostgresUser.GiveDirectoryAsync(directory);
        var data = Path.Combine(directory, "data");
        string[] command =
        [
            .. await PostgresUser.CommandPrefixAsync(),
            Path.Combine(ServerBinaries.PostgresBinDirectory(), "initdb"), "--pgdata", data, "--username", "postgres",
            "--auth", "trust", "--encoding", "UTF8", "--no-locale", "--no-sync", "--no-instructions",
        ];
        await ToolCommand.RunCheckedAsync(command[0], command[1..], directory);
        // Overwriting keeps the file's owner (the PostgreSQL user) and mode.
        await File.WriteAllTextAsync(Path.Combine(data, "pg_hba.conf"), ClientAuthentication);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => ServerDirectory.Delete(directory);
        return data;
    }
}
