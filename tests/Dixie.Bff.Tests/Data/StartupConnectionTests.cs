using System.Diagnostics;
using System.Net.Sockets;
using Dixie.Bff.Data;
using Dixie.Bff.Infrastructure.Logging;
using Dixie.Bff.Tests.Infrastructure;
using Dixie.Bff.Tests.Support;
using Npgsql;

namespace Dixie.Bff.Tests.Data;

public sealed class StartupConnectionTests : IAsyncLifetime
{
    private TestDatabase _database = null!;
    private readonly LogCapture _logs = new();

    // Owned by an ordinary role, so the server checks its password.
    public async Task InitializeAsync() => _database = await TestDatabase.CreateAsync(ownedByOrdinaryRole: true);

    public async Task DisposeAsync() => await _database.DisposeAsync();

    [Fact]
    public async Task Startup_waits_for_postgres()
    {
        // A private server, stopped before the service tries it and started again 2 s later.
        await using var postgres = await PostgresServer.StartAsync();
        await using var database = await TestDatabase.CreateAsync(server: postgres);
        await postgres.StopAsync();

        var migrating = DatabaseStartup.MigrateAsync(database.ConnectionString, _logs.Factory,
            MigrationTestSupport.FastOptions() with { ConnectBudget = TimeSpan.FromSeconds(20) }, CancellationToken.None);
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.False(migrating.IsCompleted);
        await postgres.StartAgainAsync();
        var report = await migrating;

        Assert.Equal(MigrationCatalog.Load().UpFiles.Count, report.Applied.Count);
        var retries = _logs.Events(LogEvents.DatabaseConnectRetry);
        Assert.NotEmpty(retries);
        Assert.Equal("SocketException", retries[0].String("error_class"));
        // A retry can also land while the server recovers ("the database system is starting up").
        Assert.All(retries, r =>
        {
            Assert.Contains(r.String("error_class"), new[] { "SocketException", PostgresErrorCodes.CannotConnectNow });
            Assert.DoesNotContain("Password", r.Message, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("owner-secret", r.Text, StringComparison.Ordinal);
        });
        Assert.Equal(Enumerable.Range(1, retries.Count), retries.Select(r => r.Int("attempt")));
        Assert.Empty(_logs.Events(LogEvents.DatabaseUnavailable));
    }

    [Fact]
    public async Task Wrong_password_fails_at_once()
    {
        var wrong = new NpgsqlConnectionStringBuilder(_database.ConnectionString) { Password = "not-the-password" }.ConnectionString;
        var started = Stopwatch.GetTimestamp();

        var ex = await Assert.ThrowsAsync<DatabaseStartupException>(() =>
            DatabaseStartup.MigrateAsync(wrong, _logs.Factory, MigrationTestSupport.FastOptions(), CancellationToken.None));

        Assert.True(Stopwatch.GetElapsedTime(started) < TimeSpan.FromSeconds(2));
        Assert.Equal(LogEvents.DatabaseUnavailable, ex.EventName);
        Assert.Empty(_logs.Events(LogEvents.DatabaseConnectRetry));
        var critical = Assert.Single(_logs.Events(LogEvents.DatabaseUnavailable));
        Assert.Equal(PostgresErrorCodes.InvalidPassword, critical.String("error_class"));
        Assert.Equal(critical.Message, ex.Message);
        Assert.DoesNotContain("not-the-password", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-password", _logs.AllText, StringComparison.Ordinal);
        Assert.Null(await _database.ScalarAsync<string>("SELECT to_regclass('_migrations')::text"));
    }

    [Fact]
    public async Task Unknown_database_fails_at_once()
    {
        var missing = new NpgsqlConnectionStringBuilder(_database.ConnectionString) { Database = _database.Name + "_missing" }.ConnectionString;

        var ex = await Assert.ThrowsAsync<DatabaseStartupException>(() =>
            DatabaseStartup.MigrateAsync(missing, _logs.Factory, MigrationTestSupport.FastOptions(), CancellationToken.None));

        Assert.Equal(LogEvents.DatabaseUnavailable, ex.EventName);
        Assert.Equal("3D000", Assert.Single(_logs.Events(LogEvents.DatabaseUnavailable)).String("error_class"));
        Assert.Empty(_logs.Events(LogEvents.DatabaseConnectRetry));
    }

    [Fact]
    public async Task Unreachable_host_fails_after_the_budget()
    {
        var closed = new NpgsqlConnectionStringBuilder(_database.ConnectionString) { Port = FreePort.Next() }.ConnectionString;
        var started = Stopwatch.GetTimestamp();

        var ex = await Assert.ThrowsAsync<DatabaseStartupException>(() =>
            DatabaseStartup.MigrateAsync(closed, _logs.Factory, MigrationTestSupport.FastOptions() with { ConnectBudget = TimeSpan.FromSeconds(2) }, CancellationToken.None));

        Assert.InRange(Stopwatch.GetElapsedTime(started), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(6));
        Assert.Equal(LogEvents.DatabaseUnavailable, ex.EventName);
        Assert.StartsWith("PostgreSQL could not be reached after ", ex.Message, StringComparison.Ordinal);
        Assert.True(_logs.Events(LogEvents.DatabaseConnectRetry).Count >= 2);
    }

    [Fact]
    public void Transient_failures_are_told_apart_from_final_ones()
    {
        Assert.True(DatabaseConnector.IsTransient(new NpgsqlException("x", new SocketException((int)SocketError.ConnectionRefused))));
        Assert.True(DatabaseConnector.IsTransient(new NpgsqlException("x", new TimeoutException())));
        foreach (var transient in new[] { "08006", "08001", "57P03", "53300" })
        {
            Assert.True(DatabaseConnector.IsTransient(new PostgresException("m", "FATAL", "FATAL", transient)), transient);
        }
        foreach (var final in new[] { "28P01", "28000", "3D000", "42501" })
        {
            Assert.False(DatabaseConnector.IsTransient(new PostgresException("m", "FATAL", "FATAL", final)), final);
        }
        Assert.False(DatabaseConnector.IsTransient(new NpgsqlException("x", new System.Security.Authentication.AuthenticationException("tls"))));
        Assert.Equal("SocketException", DatabaseConnector.ErrorClass(new NpgsqlException("x", new SocketException((int)SocketError.HostNotFound))));
    }
}
