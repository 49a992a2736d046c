using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Dixie.Bff.Tests.Infrastructure;
using Dixie.Bff.Tests.Support;
using Npgsql;

namespace Dixie.Bff.Tests.Binary;

public sealed class HealthcheckCommandTests
{
    private static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(30);
    private static readonly Dictionary<string, string?> NoEnvironment = [];

    [Fact]
    public async Task Healthy_service_exits_0_using_the_default_url_from_dixie_port()
    {
        await using var host = await DixieHost.StartAsync();
        var (code, stdout, _) = await BinaryRun.RunAsync(new Dictionary<string, string?>
        {
            ["DIXIE_PORT"] = host.BaseUrl.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            // A dead proxy must not matter: the check never uses one.
            ["HTTP_PROXY"] = "http://127.0.0.1:9",
            ["http_proxy"] = "http://127.0.0.1:9",
        }, ExitTimeout, "healthcheck");
        Assert.Equal(0, code);
        Assert.Matches(@"\Aok 200 \d+ms\n\z", stdout);
    }

    [Fact]
    public async Task Port_wins_over_dixie_port_and_the_same_check_exits_1_once_the_service_stopped()
    {
        var host = await DixieHost.StartAsync();
        var environment = new Dictionary<string, string?>
        {
            ["PORT"] = host.BaseUrl.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["DIXIE_PORT"] = FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        try
        {
            var (healthy, _, _) = await BinaryRun.RunAsync(environment, ExitTimeout, "healthcheck");
            Assert.Equal(0, healthy);
        }
        finally
        {
            await host.DisposeAsync();
        }

        var (stopped, stdout, stderr) = await BinaryRun.RunAsync(environment, ExitTimeout, "healthcheck");
        Assert.Equal(1, stopped);
        Assert.Equal("", stdout);
        Assert.StartsWith("unhealthy: ", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Migrations_held_back_exit_1()
    {
        var databaseUrl = await (await SharedServers.GetAsync()).Postgres.CreateDatabaseAsync();
        await using var holder = new NpgsqlConnection(databaseUrl);
        await holder.OpenAsync();
        await using (var take = new NpgsqlCommand("SELECT pg_advisory_lock(-420369755)", holder)) await take.ExecuteNonQueryAsync();
        await using var host = await DixieHost.StartAsync(new DixieHostOptions { DatabaseUrl = databaseUrl, WaitUntilMigrated = false });
        var (code, _, stderr) = await BinaryRun.RunAsync(NoEnvironment, ExitTimeout, "healthcheck", new Uri(host.BaseUrl, "/healthz/ready").ToString());
        Assert.Equal(1, code);
        Assert.StartsWith("unhealthy: HTTP 503", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Closed_port_exits_1()
    {
        var (code, _, stderr) = await BinaryRun.RunAsync(NoEnvironment, ExitTimeout, "healthcheck", $"http://127.0.0.1:{FreePort.Next()}/healthz/ready");
        Assert.Equal(1, code);
        Assert.StartsWith("unhealthy: ", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Server_answering_500_exits_1()
    {
        using var listener = new HttpListener();
        var port = FreePort.Next();
        listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        listener.Start();
        var serve = Task.Run(async () =>
        {
            var context = await listener.GetContextAsync();
            context.Response.StatusCode = 500;
            context.Response.Close();
        });
        var (code, _, stderr) = await BinaryRun.RunAsync(NoEnvironment, ExitTimeout, "healthcheck", $"http://127.0.0.1:{port}/healthz/ready");
        await serve;
        Assert.Equal(1, code);
        Assert.StartsWith("unhealthy: HTTP 500", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Server_that_never_answers_exits_1_within_three_and_a_half_seconds()
    {
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var port = ((IPEndPoint)silent.LocalEndpoint).Port;
        await using var run = BinaryRun.Start("dixie-bff", new Dictionary<string, string?>(), "healthcheck", $"http://127.0.0.1:{port}/healthz/ready");
        var watch = Stopwatch.StartNew();
        var code = await run.WaitForExitAsync(ExitTimeout);
        watch.Stop();
        Assert.Equal(1, code);
        // The process start itself is included; the command's own budget is 3 s.
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(3.5) + StartupAllowance, $"took {watch.Elapsed}");
        Assert.Contains("within 3 s", run.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not-a-url")]
    [InlineData("ftp://127.0.0.1/x")]
    public async Task Bad_url_exits_2(string url)
    {
        var (code, _, stderr) = await BinaryRun.RunAsync(NoEnvironment, ExitTimeout, "healthcheck", url);
        Assert.Equal(2, code);
        Assert.StartsWith("usage: dixie-bff healthcheck", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invalid_port_variable_exits_2()
    {
        var (code, _, _) = await BinaryRun.RunAsync(new Dictionary<string, string?> { ["PORT"] = "70000" }, ExitTimeout, "healthcheck");
        Assert.Equal(2, code);
    }

    /// <summary>Starting a .NET process on a loaded 2-core machine; generous so the test measures the command, not the machine.</summary>
    private static readonly TimeSpan StartupAllowance = TimeSpan.FromSeconds(3);
}
