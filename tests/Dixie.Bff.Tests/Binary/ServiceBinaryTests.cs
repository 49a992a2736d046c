using System.Net;
using Dixie.Bff.Infrastructure.Configuration;
using Dixie.Bff.Tests.Infrastructure;
using Dixie.Bff.Tests.Support;
using Npgsql;

namespace Dixie.Bff.Tests.Binary;

/// <summary>The real binary: exit codes, the startup report, and several processes on one database.</summary>
public sealed class ServiceBinaryTests
{
    private static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Missing_required_variables_exit_2_with_one_line_each_and_no_secret()
    {
        const string shortKey = "twelve-chars";
        const string shortAdminKey = "ten-chars!";
        var (code, stdout, stderr) = await BinaryRun.RunAsync(new Dictionary<string, string?>
        {
            ["DIXIE_ENV"] = "test",
            ["DIXIE_ADMIN_KEY"] = shortAdminKey,
            ["LOG_LEVEL"] = "INFO",
            ["DIXIE_RATE_LIMIT_RPM"] = "abc",
            ["DIXIE_JWT_PRIVATE_KEY"] = shortKey,
        }, ExitTimeout);
        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("dixie-bff: invalid configuration (5 problems)", lines[0]);
        Assert.Equal(5, lines.Length - 1);
        Assert.Contains(lines, l => l.StartsWith("FINN_URL: ", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("DATABASE_URL: ", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("DIXIE_JWT_PRIVATE_KEY: ", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("DIXIE_RATE_LIMIT_RPM: ", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("DIXIE_ADMIN_KEY: ", StringComparison.Ordinal));
        Assert.DoesNotContain(shortKey, stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(shortAdminKey, stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_database_exits_3_at_once_with_a_critical_line()
    {
        var shared = await SharedServers.GetAsync();
        var missing = new NpgsqlConnectionStringBuilder(shared.Postgres.AdminConnectionString) { Database = "no_such_database_" + Guid.NewGuid().ToString("N")[..8] };
        var environment = await ServiceEnvironmentAsync(missing.ConnectionString);
        var started = DateTime.UtcNow;
        var (code, stdout, _) = await BinaryRun.RunAsync(environment, ExitTimeout);
        Assert.Equal(3, code);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(25), "an unknown database must not wait for the retry budget");
        Assert.Contains("\"event\":\"database_unavailable\"", stdout, StringComparison.Ordinal);
        Assert.Contains("\"level\":\"critical\"", stdout, StringComparison.Ordinal);
    }

    [Fact]
    [Trait("Category", "Faults")]
    public async Task Four_processes_on_an_empty_database_migrate_once_and_all_become_ready()
    {
        var shared = await SharedServers.GetAsync();
        var databaseUrl = await shared.Postgres.CreateDatabaseAsync();
        var runs = new List<(BinaryRun Run, int Port)>();
        try
        {
            for (var i = 0; i < 4; i++)
            {
                var environment = await ServiceEnvironmentAsync(databaseUrl);
                // The .NET base image sets this; it must not move the listener.
                environment["ASPNETCORE_HTTP_PORTS"] = "8080";
                runs.Add((BinaryRun.Start("dixie-bff", environment), int.Parse(environment["DIXIE_PORT"]!, System.Globalization.CultureInfo.InvariantCulture)));
            }
            using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            foreach (var (run, port) in runs)
                await WaitUntilReadyAsync(client, run, port);

            await using var connection = new NpgsqlConnection(databaseUrl);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("SELECT count(*), count(DISTINCT filename) FROM _migrations", connection);
            await using var reader = await command.ExecuteReaderAsync();
            await reader.ReadAsync();
            Assert.Equal(14, reader.GetInt64(0));
            Assert.Equal(14, reader.GetInt64(1));
            var applied = runs.Sum(r => r.Run.Stdout.Split('\n').Count(l => l.Contains("\"event\":\"migration_applied\"", StringComparison.Ordinal)));
            Assert.Equal(14, applied);
        }
        finally
        {
            foreach (var (run, _) in runs) await run.DisposeAsync();
        }
    }

    [Fact]
    public async Task Sigterm_stops_the_service_with_exit_code_0()
    {
        var environment = await ServiceEnvironmentAsync(await (await SharedServers.GetAsync()).Postgres.CreateDatabaseAsync());
        await using var run = BinaryRun.Start("dixie-bff", environment);
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        await WaitUntilReadyAsync(client, run, int.Parse(environment["DIXIE_PORT"]!, System.Globalization.CultureInfo.InvariantCulture));
        run.Terminate();
        Assert.Equal(0, await run.WaitForExitAsync(ExitTimeout));
        Assert.Contains("\"event\":\"service_stopping\"", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Config_check_accepts_what_the_service_accepts()
    {
        var environment = await ServiceEnvironmentAsync("postgresql://dixie:secret-pass@127.0.0.1:5/dixie");
        var (code, stdout, _) = await BinaryRun.RunAsync(environment, ExitTimeout, "config", "check");
        Assert.Equal(0, code);
        Assert.Contains("DIXIE_PORT=", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-pass", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(environment["DIXIE_JWT_PRIVATE_KEY"]!, stdout, StringComparison.Ordinal);

        environment.Remove("FINN_URL");
        var (invalid, invalidStdout, stderr) = await BinaryRun.RunAsync(environment, ExitTimeout, "config", "check");
        Assert.Equal(ConfigExitCodes.Invalid, invalid);
        Assert.Equal("", invalidStdout);
        Assert.StartsWith("dixie-bff: invalid configuration (1 problems)", stderr, StringComparison.Ordinal);
    }

    internal static async Task<Dictionary<string, string?>> ServiceEnvironmentAsync(string databaseUrl)
    {
        var environment = await TestEnvironment.CreateAsync(new DixieHostOptions { DatabaseUrl = databaseUrl });
        environment["LOG_LEVEL"] = "info";
        return environment;
    }

    internal static async Task WaitUntilReadyAsync(HttpClient client, BinaryRun run, int port)
    {
        for (var i = 0; i < 300; i++)
        {
            if (run.HasExited) throw new InvalidOperationException("dixie-bff exited:\n" + run.Stdout + run.Stderr);
            try
            {
                if ((await client.GetAsync($"http://127.0.0.1:{port}/healthz/ready")).StatusCode == HttpStatusCode.OK) return;
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }
            await Task.Delay(100);
        }
        throw new TimeoutException("dixie-bff never became ready:\n" + run.Stdout + run.Stderr);
    }
}
