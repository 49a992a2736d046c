using System.Net;
using System.Text.Json;
using Dixie.Bff.Tests.Infrastructure;
using Dixie.Bff.Tests.Support;
using Npgsql;

namespace Dixie.Bff.Tests.Health;

public sealed class StartupGateTests
{
    [Fact]
    public async Task Routes_answer_503_starting_until_migrations_complete()
    {
        var databaseUrl = await (await SharedServers.GetAsync()).Postgres.CreateDatabaseAsync();
        await using var holder = new NpgsqlConnection(databaseUrl);
        await holder.OpenAsync();
        await using (var take = new NpgsqlCommand("SELECT pg_advisory_lock(-420369755)", holder)) await take.ExecuteNonQueryAsync();

        await using var host = await DixieHost.StartAsync(new DixieHostOptions { DatabaseUrl = databaseUrl, WaitUntilMigrated = false });
        var health = JsonDocument.Parse(await host.Client.GetStringAsync("/api/health")).RootElement;
        Assert.Equal("starting", health.GetProperty("services").GetProperty("dixie").GetProperty("status").GetString());
        Assert.Equal("unhealthy", health.GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.OK, (await host.Client.GetAsync("/healthz/live")).StatusCode);
        var ready = await ErrorAssert.IsErrorAsync(await host.Client.GetAsync("/healthz/ready"), HttpStatusCode.ServiceUnavailable, "not_ready");
        Assert.Equal("migrations_pending", ready.GetProperty("reason").GetString());
        foreach (var path in new[] { "/", "/api/chat", "/no/such/route" })
        {
            var response = await host.Client.GetAsync(path);
            await ErrorAssert.IsErrorAsync(response, HttpStatusCode.ServiceUnavailable, "starting", "Service is starting: database migrations in progress");
            Assert.Equal("1", response.Headers.GetValues("Retry-After").Single());
        }
        Assert.Equal(HttpStatusCode.OK, (await host.Client.GetAsync("/metrics")).StatusCode);

        await using (var release = new NpgsqlCommand("SELECT pg_advisory_unlock(-420369755)", holder)) await release.ExecuteNonQueryAsync();
        await host.WaitUntilMigratedAsync();
        Assert.Equal(HttpStatusCode.OK, (await host.Client.GetAsync("/")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await host.Client.GetAsync("/healthz/ready")).StatusCode);
    }
}
