using System.Text.RegularExpressions;
using Npgsql;

namespace Dixie.Bff.Tests.Infrastructure;

/// <summary>
/// A private PostgreSQL cluster in a temporary directory on an ephemeral loopback port, tuned for
/// tests (no fsync). The superuser <c>postgres</c> logs in without a password; every other role
/// needs its password (scram-sha-256), so wrong credentials fail as they do in production.
/// </summary>
public sealed partial class PostgresServer : DependencyServer
{
    private readonly string binDirectory;
    private readonly IReadOnlyList<string> runAs;

    private PostgresServer(string directory, string binDirectory, IReadOnlyList<string> runAs) : base(directory)
    {
        this.binDirectory = binDirectory;
        this.runAs = runAs;
    }

    /// <summary>Superuser connection to the <c>postgres</c> database.</summary>
    public string AdminConnectionString => ConnectionStringFor("postgres");

    private protected override TimeSpan StartTimeout => TimeSpan.FromSeconds(60);

    private string DataDirectory => Path.Combine(WorkDirectory, "data");

    /// <summary>Creates a fresh cluster (a copy of this process's initdb result) and starts it.</summary>
    public static async Task<PostgresServer> StartAsync()
    {
        var binDirectory = ServerBinaries.PostgresBinDirectory();
        var runAs = await PostgresUser.CommandPrefixAsync();
        var server = new PostgresServer(ServerDirectory.Create("pg"), binDirectory, runAs);
        return await StartNewAsync(server, async () =>
        {
            await PostgresUser.GiveDirectoryAsync(server.WorkDirectory);
            await PostgresTemplate.CopyToAsync(server.DataDirectory);
        });
    }

    /// <summary>A superuser connection string (Npgsql key=value form, which DATABASE_URL accepts) for <paramref name="database"/>.</summary>
    public string ConnectionStringFor(string database) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = Port,
        Username = "postgres",
        Database = database,
    }.ConnectionString;

    /// <summary>Creates an empty database (a unique name unless given) and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string? name = null)
    {
        name ??= $"test_{Guid.NewGuid().ToString("N")[..16]}";
        if (!Identifier().IsMatch(name))
        {
            throw new ArgumentException("database names are lower-case letters, digits and underscores", nameof(name));
        }
        await ExecuteAsAdminAsync($"CREATE DATABASE \"{name}\"");
        return ConnectionStringFor(name);
    }

    /// <summary>Runs one statement as the superuser in the <c>postgres</c> database (DDL that names databases or roles).</summary>
    public async Task ExecuteAsAdminAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(AdminConnectionString + ";Pooling=false");
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    // Fast shutdown on SIGINT: open sessions are ended, the data stays for StartAgainAsync.
    private protected override ServerProcess Launch() => ServerProcess.Start("PostgreSQL", "INT", WorkDirectory,
    [
        .. runAs,
        Path.Combine(binDirectory, "postgres"), "-D", DataDirectory, "-p", Port.ToString(),
        "-c", "listen_addresses=127.0.0.1",
        "-c", $"unix_socket_directories={WorkDirectory}",
        "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
        "-c", "max_connections=300", "-c", "shared_buffers=64MB",
        "-c", "logging_collector=off", "-c", "log_min_messages=warning",
    ]);

    private protected override async Task<bool> IsReadyAsync(CancellationToken cancellationToken)
    {
        // TCP accepts before recovery finishes ("the database system is starting up"), so ask a query.
        try
        {
            await using var connection = new NpgsqlConnection(AdminConnectionString + ";Pooling=false;Timeout=5");
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand("SELECT 1", connection);
            await command.ExecuteScalarAsync(cancellationToken);
            return true;
        }
        catch (NpgsqlException)
        {
            return false;
        }
    }

    /// <summary>A name that is safe to splice into DDL without quoting rules: lower-case letters, digits, underscores.</summary>
    [GeneratedRegex("^[a-z_][a-z0-9_]{0,62}$")]
    internal static partial Regex Identifier();
}
