using System.Net.Sockets;
using System.Text;
using Npgsql;

namespace Dixie.Bff.Tests.Infrastructure;

public sealed class TestServersTests
{
    [Fact]
    public async Task Postgres_keeps_its_data_across_a_stop_and_start_on_the_same_port()
    {
        await using var postgres = await PostgresServer.StartAsync();
        var connectionString = await postgres.CreateDatabaseAsync();
        await ExecuteAsync(connectionString, "CREATE TABLE marker (value text); INSERT INTO marker VALUES ('kept')");
        var port = postgres.Port;

        await postgres.StopAsync();
        await Assert.ThrowsAnyAsync<NpgsqlException>(() => ExecuteAsync(connectionString, "SELECT 1"));

        await postgres.StartAgainAsync();
        Assert.Equal(port, postgres.Port);
        Assert.Equal("kept", await ScalarAsync(connectionString, "SELECT value FROM marker"));
    }

    [Fact]
    public async Task Frozen_postgres_suspends_its_sessions_and_new_connections_until_thawed()
    {
        await using var postgres = await PostgresServer.StartAsync();
        await using var session = new NpgsqlConnection(postgres.AdminConnectionString + ";Pooling=false");
        await session.OpenAsync();
        var backend = session.ProcessID;

        await postgres.FreezeAsync();
        Assert.Equal('T', ProcessState(backend));
        var connecting = ScalarAsync(postgres.AdminConnectionString + ";Timeout=1", "SELECT 1");
        await Assert.ThrowsAnyAsync<NpgsqlException>(() => connecting);

        await postgres.ThawAsync();
        Assert.NotEqual('T', ProcessState(backend));
        await using var command = new NpgsqlCommand("SELECT 2", session);
        Assert.Equal(2, await command.ExecuteScalarAsync());
    }

    [Fact]
    public async Task Postgres_lets_only_the_superuser_in_without_a_password()
    {
        var postgres = (await SharedServers.GetAsync()).Postgres;
        var role = $"role_{Guid.NewGuid().ToString("N")[..12]}";
        await postgres.ExecuteAsAdminAsync($"CREATE ROLE {role} LOGIN PASSWORD 'right-secret'");
        try
        {
            var login = new NpgsqlConnectionStringBuilder(postgres.AdminConnectionString) { Username = role, Password = "right-secret" };
            Assert.Equal(role, await ScalarAsync(login.ConnectionString, "SELECT current_user"));

            login.Password = "wrong-secret";
            var refused = await Assert.ThrowsAsync<PostgresException>(() => ScalarAsync(login.ConnectionString, "SELECT 1"));
            Assert.Equal(PostgresErrorCodes.InvalidPassword, refused.SqlState);
        }
        finally
        {
            await postgres.ExecuteAsAdminAsync($"DROP ROLE {role}");
        }
    }

    [Fact]
    public async Task Postgres_creates_distinct_empty_databases()
    {
        var shared = await SharedServers.GetAsync();
        var first = await shared.Postgres.CreateDatabaseAsync();
        var second = await shared.Postgres.CreateDatabaseAsync();

        Assert.NotEqual(new NpgsqlConnectionStringBuilder(first).Database, new NpgsqlConnectionStringBuilder(second).Database);
        Assert.Equal(0L, await ScalarAsync(first, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"));
        Assert.Equal(300, int.Parse((string)(await ScalarAsync(shared.Postgres.AdminConnectionString, "SHOW max_connections"))!));
    }

    [Fact]
    public async Task Postgres_rejects_a_database_name_that_is_not_an_identifier()
    {
        var shared = await SharedServers.GetAsync();
        await Assert.ThrowsAsync<ArgumentException>(() => shared.Postgres.CreateDatabaseAsync("x\"; DROP DATABASE postgres; --"));
    }

    [Fact]
    public async Task Redis_answers_again_on_the_same_port_after_a_restart_without_its_data()
    {
        await using var redis = await RedisServer.StartAsync();
        Assert.Equal("+OK", await RedisAsync(redis.Port, "SET marker kept"));
        Assert.Equal("kept", await RedisAsync(redis.Port, "GET marker", lines: 2));
        var port = redis.Port;

        await redis.StopAsync();
        await Assert.ThrowsAnyAsync<SocketException>(() => RedisAsync(port, "PING"));

        await redis.StartAgainAsync();
        Assert.Equal($"redis://127.0.0.1:{port}/0", redis.Url);
        Assert.Equal("$-1", await RedisAsync(port, "GET marker"));
        Assert.Equal("noeviction", await RedisAsync(port, "CONFIG GET maxmemory-policy", lines: 5));
        Assert.Equal("", await RedisAsync(port, "CONFIG GET save", lines: 5));
    }

    [Fact]
    public async Task Frozen_redis_takes_a_request_but_answers_only_after_thaw()
    {
        await using var redis = await RedisServer.StartAsync(maxMemoryPolicy: "allkeys-lru");
        Assert.Equal("allkeys-lru", await RedisAsync(redis.Port, "CONFIG GET maxmemory-policy", lines: 5));

        await redis.FreezeAsync();
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", redis.Port);
        var stream = client.GetStream();
        await stream.WriteAsync("PING\r\n"u8.ToArray());
        var reply = new byte[5];
        var reading = stream.ReadAtLeastAsync(reply, reply.Length).AsTask();
        await Task.WhenAny(reading, Task.Delay(500));
        Assert.False(reading.IsCompleted, "a frozen server answered");

        await redis.ThawAsync();
        Assert.Equal(5, await reading.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal("+PONG", Encoding.ASCII.GetString(reply));
    }

    [Fact]
    public async Task Silent_listener_accepts_a_connection_and_never_answers()
    {
        using var silent = new SilentListener();
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", silent.Port);
        await client.GetStream().WriteAsync("PING\r\n"u8.ToArray());

        var reading = client.GetStream().ReadAsync(new byte[1]).AsTask();
        await Task.WhenAny(reading, Task.Delay(300));

        Assert.False(reading.IsCompleted, "the listener answered or closed");
    }

    [Fact]
    public async Task Nats_restarts_on_the_same_port_with_jetstream_enabled()
    {
        await using var nats = await NatsServer.StartAsync();
        Assert.Contains("\"jetstream\":true", await NatsInfoAsync(nats.Port));
        var port = nats.Port;

        await nats.StopAsync();
        await Assert.ThrowsAnyAsync<SocketException>(() => NatsInfoAsync(port));

        await nats.StartAgainAsync();
        Assert.Equal($"nats://127.0.0.1:{port}", nats.Url);
        Assert.Contains("\"jetstream\":true", await NatsInfoAsync(port));
    }

    [Fact]
    public async Task Nats_without_jetstream_says_so_in_its_greeting()
    {
        await using var nats = await NatsServer.StartAsync(jetStream: false);
        Assert.DoesNotContain("\"jetstream\":true", await NatsInfoAsync(nats.Port));
    }

    [Fact]
    public async Task Shared_servers_are_one_set_per_process()
    {
        var first = await SharedServers.GetAsync();
        var second = await SharedServers.GetAsync();

        Assert.Same(first, second);
        Assert.Equal("+PONG", await RedisAsync(first.Redis.Port, "PING"));
        Assert.StartsWith("INFO ", await NatsInfoAsync(first.Nats.Port));
    }

    [Fact]
    public async Task A_server_that_exits_during_startup_reports_its_exit_code_and_log_tail()
    {
        await using var server = ServerProcess.Start("broken-server", "TERM", Path.GetTempPath(), ["/bin/sh", "-c", "echo cannot bind >&2; exit 3"]);

        var failure = await Assert.ThrowsAsync<ServerStartException>(
            () => server.WaitUntilReadyAsync(_ => Task.FromResult(false), TimeSpan.FromSeconds(10)));

        Assert.Contains("broken-server exited with code 3", failure.Message);
        Assert.Contains("cannot bind", failure.Message);
    }

    /// <summary>The state letter of /proc/PID/stat: T is stopped by a signal.</summary>
    private static char ProcessState(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        return stat[stat.LastIndexOf(')') + 2];
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString + ";Pooling=false");
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<object?> ScalarAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString + ";Pooling=false");
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }

    /// <summary>Sends one inline command and returns the <paramref name="lines"/>-th line of the reply.</summary>
    private static async Task<string> RedisAsync(int port, string command, int lines = 1)
    {
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", port);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(command + "\r\n"));
        using var reader = new StreamReader(stream, Encoding.ASCII);
        var line = "";
        for (var i = 0; i < lines; i++)
        {
            line = await reader.ReadLineAsync() ?? "";
        }
        return line;
    }

    private static async Task<string> NatsInfoAsync(int port)
    {
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", port);
        using var reader = new StreamReader(client.GetStream(), Encoding.ASCII);
        return await reader.ReadLineAsync() ?? "";
    }
}
