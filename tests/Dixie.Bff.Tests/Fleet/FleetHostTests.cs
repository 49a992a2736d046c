using System.Net;
using Dixie.Bff.Features.Fleet;
using Dixie.Bff.Infrastructure.Telemetry;
using Dixie.Bff.Tests.Allowlist;
using Dixie.Bff.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Dixie.Bff.Tests.Fleet;

/// <summary>Fleet behaviour that needs a host configured for it alone.</summary>
public sealed class FleetHostTests
{
    [Fact]
    [Trait("Category", "Security")]
    public async Task Agent_gets_task_env_and_no_service_secrets_and_passthrough_is_redacted()
    {
        const string secret = "passthrough-secret-0123456789";
        Environment.SetEnvironmentVariable("FLEET_TEST_SECRET", secret);
        var op = AllowlistTesting.NewWallet();
        await using var host = await FleetTesting.StartHostAsync([op], environment: new() { ["DIXIE_FLEET_AGENT_ENV"] = "FLEET_TEST_SECRET" });
        using var client = host.Wallet(op);
        var id = await client.SpawnedAsync("print-env $(touch /tmp/dixie-fleet-pwn); rm -rf x");
        await client.StatusAsync(id, "completed");
        var logs = (await (await client.GetAsync($"/api/fleet/tasks/{id}/logs")).JsonAsync()).GetProperty("logs").GetString()!;
        var names = logs.Split('\n');
        foreach (var present in new[] { "DIXIE_TASK_ID", "DIXIE_TASK_TYPE", "DIXIE_TASK_DESCRIPTION", "DIXIE_TASK_MODEL", "DIXIE_TASK_BRANCH", "DIXIE_TASK_ATTEMPT", "FLEET_TEST_SECRET" })
            Assert.Contains(present, names);
        foreach (var absent in new[] { "DIXIE_JWT_PRIVATE_KEY", "DATABASE_URL", "DIXIE_ADMIN_KEY", "REDIS_URL" })
            Assert.DoesNotContain(absent, names);
        Assert.Contains("secret=[REDACTED]", names);
        Assert.DoesNotContain(secret, logs);
        var workDir = (await client.TaskAsync(id)).GetProperty("worktreePath").GetString()!;
        Assert.Contains($"cwd={workDir}", names);
        Assert.DoesNotContain(secret, await File.ReadAllTextAsync(Path.Combine(workDir, "agent.log")));
        Assert.False(File.Exists("/tmp/dixie-fleet-pwn"));
        var taskJson = System.Text.Json.JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(workDir, "task.json"))).RootElement;
        Assert.Equal(id, taskJson.GetProperty("id").GetGuid());
        Assert.Equal(0, taskJson.GetProperty("attempt").GetInt32());
    }

    [Fact]
    public async Task Allowlisted_wallet_is_admitted_as_architect_by_the_conviction_resolver()
    {
        // No pinned tiers: the product resolver answers (finn has no staking record, the allowlist makes it architect).
        var op = AllowlistTesting.NewWallet();
        await using var host = await FleetTesting.StartHostAsync([op]);
        using var client = host.Wallet(op);
        var responses = await Task.WhenAll(Enumerable.Range(0, 4).Select(i => client.SpawnAsync($"hang:60 resolver {i}")));
        Assert.Equal(3, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
        var denied = responses.Single(r => r.StatusCode == HttpStatusCode.Forbidden);
        var body = await denied.JsonAsync();
        Assert.Equal(("architect", 3), (body.GetProperty("tier").GetString(), body.GetProperty("tierLimit").GetInt32()));
        Assert.Equal("sovereign", body.GetProperty("evaluationGap").GetProperty("required").GetProperty("minimumTier").GetString());
        using var status = await client.GetAsync("/api/fleet/status");
        Assert.Equal("architect", status.Headers.GetValues("X-Conviction-Tier").Single());
    }

    [Fact]
    public async Task New_utc_day_creates_new_task()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var op = AllowlistTesting.NewWallet();
        await using var host = await FleetTesting.StartHostAsync([op], services: s => s.AddSingleton<TimeProvider>(clock));
        using var client = host.Wallet(op);
        var first = await client.SpawnedAsync("exit:0 daily");
        using (var replay = await client.SpawnAsync("exit:0 daily"))
        {
            Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
            Assert.Equal(first, (await replay.JsonAsync()).GetProperty("taskId").GetGuid());
        }
        clock.Advance(TimeSpan.FromDays(1));
        using var client2 = host.Wallet(op);
        var second = await client2.SpawnedAsync("exit:0 daily");
        Assert.NotEqual(first, second);
    }

    [Fact]
    public async Task Runner_not_configured_is_503_without_a_row()
    {
        var op = AllowlistTesting.NewWallet();
        await using var host = await FleetTesting.StartHostAsync([op], environment: new() { ["DIXIE_FLEET_AGENT_COMMAND"] = null });
        using var response = await host.Wallet(op).SpawnAsync("exit:0");
        await ErrorAssert.IsErrorAsync(response, HttpStatusCode.ServiceUnavailable, "runner_not_configured", "Fleet agent runner is not configured");
        Assert.Equal(0, await host.QueryAsync<long>("SELECT count(*) FROM fleet_tasks"));
    }

    [Fact]
    public async Task Spawn_failure_leaves_failed_row_and_frees_the_slot()
    {
        var op = AllowlistTesting.NewWallet();
        await using var host = await FleetTesting.StartHostAsync([op], environment: new() { ["DIXIE_FLEET_AGENT_COMMAND"] = "/nonexistent/agent {taskId}" });
        using var response = await host.Wallet(op).SpawnAsync("exit:0");
        var body = await ErrorAssert.IsErrorAsync(response, HttpStatusCode.InternalServerError, "spawn_failed", "Agent process could not be started");
        var id = body.GetProperty("taskId").GetGuid();
        Assert.Equal("spawn_failed", await host.QueryAsync<string>("SELECT failure_context->>'reason' FROM fleet_tasks WHERE id = @id", new { id }));
    }

    [Fact]
    public async Task Fleet_disabled_means_404()
    {
        var op = AllowlistTesting.NewWallet();
        await using var host = await FleetTesting.StartHostAsync([op], environment: new() { ["DIXIE_FLEET_ENABLED"] = "false" });
        using var response = await host.Wallet(op).SpawnAsync("exit:0");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Graceful_shutdown_fails_running_tasks_and_stops_agents()
    {
        var op = AllowlistTesting.NewWallet();
        var host = await FleetTesting.StartHostAsync([op]);
        var id = await host.Wallet(op).SpawnedAsync("hang:600 shutdown");
        var pid = await host.QueryAsync<int>("SELECT process_pid FROM fleet_tasks WHERE id = @id", new { id });
        var database = host.Environment["DATABASE_URL"]!;
        await host.DisposeAsync();
        await Eventually.TrueAsync(() => ProcStat.Read(pid) is null or { IsZombie: true }, TimeSpan.FromSeconds(5), "agent stopped");
        await using var connection = new Npgsql.NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand("SELECT failure_context->>'reason' FROM fleet_tasks WHERE id = @id", connection);
        command.Parameters.AddWithValue("id", id);
        Assert.Equal("instance_shutdown", await command.ExecuteScalarAsync());
    }

    [Fact]
    public async Task Spawn_spans_have_runbook_attributes()
    {
        var spans = new List<System.Diagnostics.Activity>();
        var op = AllowlistTesting.NewWallet();
        await using var host = await FleetTesting.StartHostAsync([op], spans: spans);
        await host.Wallet(op).SpawnedAsync("exit:0 spans");
        // The exporter sees every host of the test process: pick this operator's span.
        bool Mine(System.Diagnostics.Activity s) => s.DisplayName == SpanAllowlist.FleetSpawn && Equals(s.GetTagItem("identity_hash"), FleetEvents.OperatorHash(op));
        await Eventually.TrueAsync(() => { lock (spans) return spans.Any(Mine); });
        System.Diagnostics.Activity spawn, check;
        lock (spans)
        {
            spawn = spans.Single(Mine);
            check = spans.Single(s => s.DisplayName == SpanAllowlist.GovernanceCheck && s.ParentSpanId == spawn.SpanId);
        }
        Assert.Equal("created", spawn.GetTagItem("outcome"));
        Assert.Equal("bug_fix", spawn.GetTagItem("task_type"));
        Assert.Equal("admit", check.GetTagItem("decision"));
        Assert.Equal(0, Convert.ToInt32(check.GetTagItem("witness_count"), System.Globalization.CultureInfo.InvariantCulture));
    }
}
