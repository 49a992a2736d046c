using Dixie.Bff.Tests.Infrastructure;
using Npgsql;

namespace Dixie.Bff.Tests.Data;

/// <summary>
/// A fresh, empty database of its own for one test, dropped afterwards: on the shared test server,
/// or on a private <see cref="PostgresServer"/> for a test that stops and starts it.
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    private const string OwnerPassword = "owner-secret";
    private readonly PostgresServer _server;
    private readonly string? _ownerRole;

    private TestDatabase(PostgresServer server, string name, string connectionString, string? ownerRole)
    {
        _server = server;
        Name = name;
        ConnectionString = connectionString;
        _ownerRole = ownerRole;
    }

    public string Name { get; }

    /// <summary>The service's connection string for this database (§2.2 settings as the loader applies them).</summary>
    public string ConnectionString { get; }

    /// <param name="ownedByOrdinaryRole">
    /// Connect as a new non-superuser role that owns the database, as the service does in production
    /// (a superuser would bypass row-level security and hide what the tests look for).
    /// </param>
    /// <param name="server">Default: the shared test server.</param>
    public static async Task<TestDatabase> CreateAsync(bool ownedByOrdinaryRole = false, PostgresServer? server = null)
    {
        server ??= (await SharedServers.GetAsync()).Postgres;
        var name = "dixie_test_" + Guid.NewGuid().ToString("N")[..16];
        var role = ownedByOrdinaryRole ? name + "_owner" : null;
        if (role is not null)
        {
            await server.ExecuteAsAdminAsync($"CREATE ROLE {role} LOGIN PASSWORD '{OwnerPassword}'");
        }
        await server.ExecuteAsAdminAsync($"CREATE DATABASE {name}" + (role is null ? "" : $" OWNER {role}"));
        var builder = new NpgsqlConnectionStringBuilder(server.AdminConnectionString)
        {
            Database = name,
            Pooling = true,
            ApplicationName = "dixie-bff",
            CommandTimeout = 30,
            Timeout = 5,
            IncludeErrorDetail = false,
        };
        if (role is not null)
        {
            builder.Username = role;
            builder.Password = OwnerPassword;
        }
        return new TestDatabase(server, name, builder.ConnectionString, role);
    }

    /// <summary>A connection of the test itself (not the service's), unpooled so it leaves no session behind.</summary>
    public async Task<NpgsqlConnection> OpenAsync()
    {
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(ConnectionString) { Pooling = false, ApplicationName = "dixie-test" }.ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    public async Task<T?> ScalarAsync<T>(string sql)
    {
        await using var connection = await OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        var value = await command.ExecuteScalarAsync();
        return value is null or DBNull ? default : (T)value;
    }

    public async Task ExecuteAsync(string sql)
    {
        await using var connection = await OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    public async Task<List<string>> ColumnAsync(string sql)
    {
        await using var connection = await OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var values = new List<string>();
        while (await reader.ReadAsync()) values.Add(reader.IsDBNull(0) ? "<null>" : Convert.ToString(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture)!);
        return values;
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await _server.ExecuteAsAdminAsync($"DROP DATABASE IF EXISTS {Name} WITH (FORCE)");
        if (_ownerRole is not null)
        {
            await _server.ExecuteAsAdminAsync($"DROP ROLE IF EXISTS {_ownerRole}");
        }
    }
}
