using Npgsql;

namespace Dixie.Bff.Tests.Data;

/// <summary>
/// A fresh, empty database of its own for one test, dropped afterwards. The server comes from
/// DIXIE_TEST_POSTGRES (an admin connection string) or a local scratch cluster on port 55432.
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    private static readonly string AdminConnectionString =
        Environment.GetEnvironmentVariable("DIXIE_TEST_POSTGRES")
        ?? "Host=127.0.0.1;Port=55432;Username=postgres;Password=postgres;Database=postgres;Pooling=false";

    private readonly string? _ownerRole;

    private TestDatabase(string name, string connectionString, string? ownerRole)
    {
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
    public static async Task<TestDatabase> CreateAsync(bool ownedByOrdinaryRole = false)
    {
        var name = "dixie_test_" + Guid.NewGuid().ToString("N")[..16];
        var role = ownedByOrdinaryRole ? name + "_owner" : null;
        await using (var admin = new NpgsqlConnection(AdminConnectionString))
        {
            await admin.OpenAsync();
            if (role is not null)
            {
                await using var createRole = new NpgsqlCommand($"CREATE ROLE {role} LOGIN PASSWORD 'owner-secret'", admin);
                await createRole.ExecuteNonQueryAsync();
            }
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name}" + (role is null ? "" : $" OWNER {role}"), admin);
            await create.ExecuteNonQueryAsync();
        }
        var builder = new NpgsqlConnectionStringBuilder(AdminConnectionString)
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
            builder.Password = "owner-secret";
        }
        return new TestDatabase(name, builder.ConnectionString, role);
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
        await using var admin = new NpgsqlConnection(AdminConnectionString);
        await admin.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {Name} WITH (FORCE)", admin);
        await drop.ExecuteNonQueryAsync();
        if (_ownerRole is not null)
        {
            await using var dropRole = new NpgsqlCommand($"DROP ROLE IF EXISTS {_ownerRole}", admin);
            await dropRole.ExecuteNonQueryAsync();
        }
    }
}
