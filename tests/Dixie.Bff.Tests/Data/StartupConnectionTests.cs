using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Dixie.Bff.Data;
using Dixie.Bff.Infrastructure.Logging;
using Npgsql;

namespace Dixie.Bff.Tests.Data;

public sealed class StartupConnectionTests : IAsyncLifetime
{
    private TestDatabase _database = null!;
    private readonly CapturedLogs _logs = new();

    public async Task InitializeAsync() => _database = await TestDatabase.CreateAsync();

    public async Task DisposeAsync() => await _database.DisposeAsync();

    [Fact]
    public async Task Startup_waits_for_postgres()
    {
        // PostgreSQL "comes up" 1.5 s after the service starts: a forwarding port that opens late.
        var port = FreePort();
        var target = new NpgsqlConnectionStringBuilder(_database.ConnectionString);
        using var stop = new CancellationTokenSource();
        var proxy = Task.Run(async () =>
        {
            await Task.Delay(1500, stop.Token);
            await LateProxy.RunAsync(port, target.Host!, target.Port, stop.Token);
        });
        var late = new NpgsqlConnectionStringBuilder(_database.ConnectionString) { Port = port }.ConnectionString;

        var report = await DatabaseStartup.MigrateAsync(late, _logs.Factory, MigrationTestSupport.FastOptions() with { ConnectBudget = TimeSpan.FromSeconds(15) }, CancellationToken.None);
        await stop.CancelAsync();

        Assert.Equal(MigrationCatalog.Load().UpFiles.Count, report.Applied.Count);
        var retries = _logs.Events(LogEvents.DatabaseConnectRetry);
        Assert.NotEmpty(retries);
        Assert.All(retries, r =>
        {
            Assert.Equal("SocketException", r["ErrorClass"]);
            Assert.DoesNotContain("Password", r.Message, StringComparison.OrdinalIgnoreCase);
        });
        Assert.Equal(Enumerable.Range(1, retries.Count), retries.Select(r => (int)r["Attempt"]!));
    }

    [Fact]
    public async Task Wrong_password_fails_at_once()
    {
        // An unknown role with a wrong password: 28P01 under password authentication, 28000 under trust.
        var wrong = new NpgsqlConnectionStringBuilder(_database.ConnectionString) { Username = "no_such_role", Password = "not-the-password" }.ConnectionString;
        var started = Stopwatch.GetTimestamp();

        var ex = await Assert.ThrowsAsync<DatabaseStartupException>(() =>
            DatabaseStartup.MigrateAsync(wrong, _logs.Factory, MigrationTestSupport.FastOptions(), CancellationToken.None));

        Assert.True(Stopwatch.GetElapsedTime(started) < TimeSpan.FromSeconds(2));
        Assert.Equal(LogEvents.DatabaseUnavailable, ex.EventName);
        Assert.Empty(_logs.Events(LogEvents.DatabaseConnectRetry));
        var critical = Assert.Single(_logs.Events(LogEvents.DatabaseUnavailable));
        Assert.StartsWith("28", (string)critical["ErrorClass"]!, StringComparison.Ordinal);
        Assert.Equal(critical.Message, ex.Message);
        Assert.DoesNotContain("not-the-password", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_database_fails_at_once()
    {
        var missing = new NpgsqlConnectionStringBuilder(_database.ConnectionString) { Database = _database.Name + "_missing" }.ConnectionString;

        var ex = await Assert.ThrowsAsync<DatabaseStartupException>(() =>
            DatabaseStartup.MigrateAsync(missing, _logs.Factory, MigrationTestSupport.FastOptions(), CancellationToken.None));

        Assert.Equal(LogEvents.DatabaseUnavailable, ex.EventName);
        Assert.Equal("3D000", Assert.Single(_logs.Events(LogEvents.DatabaseUnavailable))["ErrorClass"]);
        Assert.Empty(_logs.Events(LogEvents.DatabaseConnectRetry));
    }

    [Fact]
    public async Task Unreachable_host_fails_after_the_budget()
    {
        var closed = new NpgsqlConnectionStringBuilder(_database.ConnectionString) { Port = FreePort() }.ConnectionString;
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

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>A TCP port that forwards to the real server once it is opened.</summary>
    private static class LateProxy
    {
        public static async Task RunAsync(int port, string host, int targetPort, CancellationToken ct)
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            while (!ct.IsCancellationRequested)
            {
                var client = await listener.AcceptTcpClientAsync(ct);
                _ = Task.Run(async () =>
                {
                    using (client)
                    using (var server = new TcpClient())
                    {
                        await server.ConnectAsync(host, targetPort, ct);
                        var up = client.GetStream().CopyToAsync(server.GetStream(), ct);
                        var down = server.GetStream().CopyToAsync(client.GetStream(), ct);
                        await Task.WhenAny(up, down);
                    }
                }, ct);
            }
        }
    }
}
