using System.Text.RegularExpressions;
using Npgsql;

namespace Dixie.Bff.Tests.Infrastructure;

/// <summary>
/// A private PostgreSQL cluster in a temporary directory on an ephemeral loopback port, tuned for
/// tests (no fsync), with trust authentication for the superuser <c>postgres</c>.
/// </summary>
public sealed partial class PostgresServer : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private readonly string directory;
    private readonly string binDirectory;
    private readonly IReadOnlyList<string> runAs;
    private ServerProcess? process;

    private PostgresServer(string directory, string binDirectory, IReadOnlyList<string> runAs, int port)
    {
        this.directory = directory;
        this.binDirectory = binDirectory;
        this.runAs = runAs;
        Port = port;
    }

    public int Port { get; private set; }

    /// <summary>Superuser connection to the <c>postgres</c> database.</summary>
    public string AdminConnectionString => ConnectionStringFor("postgres");

    private string DataDirectory => Path.Combine(directory, "data");

    /// <summary>Creates a fresh cluster (a copy of this process's initdb result) and starts it.</summary>
    public static async Task<PostgresServer> StartAsync()
    {
        var binDirectory = ServerBinaries.PostgresBinDirectory();
        var directory = ServerDirectory.Create("pg");
        var server = new PostgresServer(directory, binDirectory, await PostgresUser.CommandPrefixAsync(), FreePort.Next());
        try
        {
            await PostgresUser.GiveDirectoryAsync(directory);
            await PostgresTemplate.CopyToAsync(server.DataDirectory);
            await server.StartOnFreePortAsync();
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
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
        if (!DatabaseName().IsMatch(name))
        {
            throw new ArgumentException("database names are lower-case letters, digits and underscores", nameof(name));
        }
        await using var connection = new NpgsqlConnection(AdminConnectionString + ";Pooling=false");
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
        await command.ExecuteNonQueryAsync();
        return ConnectionStringFor(name);
    }

    /// <summary>Fast shutdown (open sessions are ended); the data stays for <see cref="StartAgainAsync"/>.</summary>
    public async Task StopAsync()
    {
        if (process is not null)
        {
            await process.DisposeAsync();
            process = null;
        }
    }

    /// <summary>Starts the stopped cluster again on the same port with the same data.</summary>
    public async Task StartAgainAsync()
    {
        await StopAsync();
        process = Launch();
        await process.WaitUntilReadyAsync(AcceptsQueriesAsync, StartTimeout);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        ServerDirectory.Delete(directory);
    }

    private async Task StartOnFreePortAsync()
    {
        // The port can be taken between FreePort.Next() and the bind; then try another one.
        for (var attempt = 1; ; attempt++)
        {
            process = Launch();
            try
            {
                await process.WaitUntilReadyAsync(AcceptsQueriesAsync, StartTimeout);
                return;
            }
            catch (ServerStartException e) when (attempt < 3 && e.Message.Contains("Address already in use", StringComparison.Ordinal))
            {
                await StopAsync();
                Port = FreePort.Next();
            }
        }
    }

    private ServerProcess Launch() => ServerProcess.Start("PostgreSQL", "INT", directory,
    [
        .. runAs,
        Path.Combine(binDirectory, "postgres"), "-D", DataDirectory, "-p", Port.ToString(),
        "-c", "listen_addresses=127.0.0.1",
        "-c", $"unix_socket_directories={directory}",
        "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
        "-c", "max_connections=300", "-c", "shared_buffers=64MB",
        "-c", "logging_collector=off", "-c", "log_min_messages=warning",
    ]);

    private async Task<bool> AcceptsQueriesAsync(CancellationToken cancellationToken)
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

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,62}$")]
    private static partial Regex DatabaseName();
}
