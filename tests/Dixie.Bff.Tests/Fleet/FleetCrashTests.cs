using System.Net;
using System.Net.Http.Headers;
using Dixie.Bff.Features.Auth;
using Dixie.Bff.Features.Fleet;
using Dixie.Bff.Tests.Allowlist;
using Dixie.Bff.Tests.Binary;
using Dixie.Bff.Tests.Infrastructure;
using Dixie.Bff.Tests.Support;
using Npgsql;

namespace Dixie.Bff.Tests.Fleet;

/// <summary>Spec 13 F6 for the fleet: the real service binary SIGKILLed while an agent runs, then restarted.</summary>
public sealed class FleetCrashTests
{
    [Fact]
    [Trait("Category", "Faults")]
    public async Task Service_killed_during_a_run_is_reconciled_after_restart()
    {
        var database = await (await SharedServers.GetAsync()).Postgres.CreateDatabaseAsync();
        var wallet = AllowlistTesting.NewWallet();
        var allowlist = AllowlistTesting.NewPath();
        AllowlistTesting.Write(allowlist, AllowlistTesting.FileWith([wallet], []));
        var environment = await TestEnvironment.CreateAsync(new DixieHostOptions
        {
            DatabaseUrl = database,
            Environment =
            {
                ["DIXIE_ALLOWLIST_PATH"] = allowlist,
                ["DIXIE_FLEET_AGENT_COMMAND"] = FleetTesting.AgentPath,
                ["DIXIE_FLEET_MONITOR_INTERVAL_SECONDS"] = "1",
                ["DIXIE_FLEET_STOP_GRACE_SECONDS"] = "1",
                ["LOG_LEVEL"] = "info",
            },
        });
        var port = int.Parse(environment["DIXIE_PORT"]!, System.Globalization.CultureInfo.InvariantCulture);

        // A token the binary accepts: issued by an in-process host with the same key (its fleet is off).
        string token;
        await using (var issuer = await DixieHost.StartAsync(new DixieHostOptions
        {
            DatabaseUrl = database,
            Environment = { ["DIXIE_JWT_PRIVATE_KEY"] = environment["DIXIE_JWT_PRIVATE_KEY"], ["DIXIE_ALLOWLIST_PATH"] = allowlist, ["DIXIE_FLEET_ENABLED"] = "false" },
        }))
        {
            token = issuer.Get<TokenIssuer>().Issue(wallet).Token;
        }

        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        await using var first = BinaryRun.Start("dixie-bff", environment);
        await ServiceBinaryTests.WaitUntilReadyAsync(http, first, port);
        var id = await http.SpawnedAsync("hang:600 crash");

        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        var agent = await ScalarAsync<int>(connection, "SELECT process_pid FROM fleet_tasks WHERE id = @id", id);
        var service = ProcStat.Read(agent)!.ParentPid;
        Assert.True(ProcStat.Signal(service, ProcStat.SigKill));
        await first.WaitForExitAsync(TimeSpan.FromSeconds(10));
        Assert.NotNull(ProcStat.Read(agent)); // the agent outlived its crashed instance

        await using var second = BinaryRun.Start("dixie-bff", environment);
        await ServiceBinaryTests.WaitUntilReadyAsync(http, second, port);
        var context = await Eventually.ValueAsync(() => ScalarAsync<string?>(connection, "SELECT failure_context::text FROM fleet_tasks WHERE id = @id", id),
            c => c is not null, TimeSpan.FromSeconds(15));
        Assert.Contains("\"reason\": \"orphaned_on_reconcile\"", context);
        Assert.Contains("\"processAlive\": true", context);
        await Eventually.TrueAsync(() => ProcStat.Read(agent) is null or { IsZombie: true }, TimeSpan.FromSeconds(5), "the orphaned agent is killed");
        using var status = await http.GetAsync($"/api/fleet/tasks/{id}");
        Assert.Equal(HttpStatusCode.OK, status.StatusCode);
        Assert.Equal("failed", (await status.JsonAsync()).GetProperty("status").GetString());
        // The slot is free again: the restarted instance admits the operator's next task.
        await http.SpawnedAsync("exit:0 after the crash");
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, string sql, Guid id)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("id", id);
        var value = await command.ExecuteScalarAsync();
        return value is DBNull or null ? default! : (T)value;
    }
}
