using System.Diagnostics;
using Dapper;
using Dixie.Bff.Features.Fleet;
using Dixie.Bff.Features.Governance;
using Dixie.Bff.Infrastructure.Logging;
using Dixie.Bff.Tests.Allowlist;
using Dixie.Bff.Tests.Infrastructure;
using Dixie.Bff.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace Dixie.Bff.Tests.Fleet;

/// <summary>The monitor on hosts of their own: timeouts, dead processes, reconcile, one acting instance, the governor.</summary>
public sealed class FleetMonitorTests
{
    [Fact]
    public async Task Task_times_out_on_the_fake_clock()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var op = AllowlistTesting.NewWallet();
        await using var host = await FleetTesting.StartHostAsync([op], services: s => s.AddSingleton<TimeProvider>(clock));
        using var client = host.Wallet(op);
        var id = await client.SpawnedAsync("hang:600 times out", new { timeoutMinutes = 1 });
        var pid = await host.QueryAsync<int>("SELECT process_pid FROM fleet_tasks WHERE id = @id", new { id });
        clock.Advance(TimeSpan.FromMinutes(2));
        var task = await client.StatusAsync(id, "failed");
        Assert.Equal("timeout", task.GetProperty("failureContext").GetProperty("reason").GetString());
        Assert.Equal(1, task.GetProperty("failureContext").GetProperty("timeoutMinutes").GetInt32());
        await Eventually.TrueAsync(() => ProcStat.Read(pid) is null or { IsZombie: true }, TimeSpan.FromSeconds(5), "agent stopped");
        Assert.Equal(1, await host.QueryAsync<long>(
            "SELECT count(*) FROM event_outbox WHERE subject = 'dixie.signal.fleet.agent_failed' AND payload->'data'->>'task_id' = @id", new { id = id.ToString() }));
    }

    [Fact]
    public async Task Dead_process_is_agent_died_after_two_acting_cycles()
    {
        await using var host = await FleetTesting.StartHostAsync([]);
        var dead = Process.Start("true")!;
        await dead.WaitForExitAsync();
        var id = await InsertRunningAsync(host, host.Get<RunnerIdentity>().Instance, dead.Id, DateTimeOffset.UtcNow.AddSeconds(-5));
        var reason = await Eventually.ValueAsync(() => host.QueryAsync<string?>("SELECT failure_context->>'reason' FROM fleet_tasks WHERE id = @id", new { id }),
            r => r is not null, TimeSpan.FromSeconds(10));
        Assert.Equal("agent_died", reason);
    }

    [Fact]
    public async Task A_retry_whose_launch_never_happened_fails_as_spawn_incomplete()
    {
        await using var host = await FleetTesting.StartHostAsync([]);
        var id = await host.QueryAsync<Guid>("""
            INSERT INTO fleet_tasks (operator_id, agent_type, model, task_type, description, repository, branch, status, retry_count, context_hash, runner_instance)
            VALUES ('0x0000000000000000000000000000000000000001', 'claude_code', 'm', 'docs', 'retry never launched', 'r', 'b', 'retrying', 1, @hash, @instance)
            RETURNING id
            """, new { hash = Guid.NewGuid().ToString("N"), instance = host.Get<RunnerIdentity>().Instance });
        var reason = await Eventually.ValueAsync(() => host.QueryAsync<string?>("SELECT failure_context->>'reason' FROM fleet_tasks WHERE id = @id", new { id }),
            r => r is not null, TimeSpan.FromSeconds(10));
        Assert.Equal("spawn_incomplete", reason);
        Assert.Equal("failed", await host.QueryAsync<string>("SELECT status FROM fleet_tasks WHERE id = @id", new { id }));
    }

    [Fact]
    public async Task Recycled_pid_is_never_signalled()
    {
        await using var host = await FleetTesting.StartHostAsync([]);
        using var sleeper = Process.Start("sleep", "30")!;
        var started = ProcStat.Read(sleeper.Id)!.StartedAt;
        var id = await InsertRunningAsync(host, host.Get<RunnerIdentity>().Instance, sleeper.Id, started.AddMinutes(-10), spawnedMinutesAgo: 600);
        await Eventually.TrueAsync(async () => await host.QueryAsync<string>("SELECT status FROM fleet_tasks WHERE id = @id", new { id }) == "failed",
            TimeSpan.FromSeconds(10), "task failed");
        Assert.False(sleeper.HasExited);
        sleeper.Kill();
    }

    [Fact]
    [Trait("Category", "Faults")]
    public async Task Crash_leftovers_are_reconciled_at_startup()
    {
        var database = await (await SharedServers.GetAsync()).Postgres.CreateDatabaseAsync();
        string hostId;
        await using (var first = await FleetTesting.StartHostAsync([], databaseUrl: database))
        {
            hostId = first.Get<RunnerIdentity>().HostId;
        }
        // A crashed instance: our pid with a start time that is not ours, so it reads as dead.
        var crashed = RunnerIdentity.Format(hostId, Environment.ProcessId, DateTimeOffset.UtcNow.AddHours(-3));
        using var agent = Process.Start("sleep", "600")!;
        var agentStarted = ProcStat.Read(agent.Id)!.StartedAt;

        await using var setup = new NpgsqlConnection(database);
        var running = await InsertRunningAsync(setup, crashed, agent.Id, agentStarted);
        var proposed = await setup.QuerySingleAsync<Guid>("""
            INSERT INTO fleet_tasks (operator_id, agent_type, model, task_type, description, repository, branch, status, context_hash, runner_instance)
            VALUES ('0x0000000000000000000000000000000000000001', 'claude_code', 'm', 'docs', 'proposed orphan', 'r', 'b', 'proposed', @hash, @crashed)
            RETURNING id
            """, new { hash = Guid.NewGuid().ToString("N"), crashed });

        await using var restarted = await FleetTesting.StartHostAsync([], databaseUrl: database);
        var context = await Eventually.ValueAsync(() => restarted.QueryAsync<string?>("SELECT failure_context::text FROM fleet_tasks WHERE id = @running", new { running }),
            c => c is not null, TimeSpan.FromSeconds(15));
        Assert.Contains("\"reason\": \"orphaned_on_reconcile\"", context);
        Assert.Contains("\"processAlive\": true", context);
        Assert.True(agent.WaitForExit(TimeSpan.FromSeconds(5)), "the orphaned agent is killed");
        // The reconcile handles rows one by one; the proposed orphan may come after the running one.
        await Eventually.TrueAsync(async () => await restarted.QueryAsync<string>("SELECT status FROM fleet_tasks WHERE id = @proposed", new { proposed }) == "failed",
            TimeSpan.FromSeconds(10), "the proposed orphan failed");
    }

    [Fact]
    public async Task Only_one_monitor_acts_per_cycle_on_a_host()
    {
        var database = await (await SharedServers.GetAsync()).Postgres.CreateDatabaseAsync();
        await using var a = await FleetTesting.StartHostAsync([], databaseUrl: database);
        await using var b = await FleetTesting.StartHostAsync([], databaseUrl: database);
        var dead = Process.Start("true")!;
        await dead.WaitForExitAsync();
        var id = await InsertRunningAsync(a, a.Get<RunnerIdentity>().Instance, dead.Id, DateTimeOffset.UtcNow.AddSeconds(-5));
        await Task.Delay(TimeSpan.FromSeconds(6));

        var acted = Acted(a) + Acted(b);
        var cycles = Math.Max(Cycles(a), Cycles(b));
        Assert.InRange(acted, cycles - 2, cycles + 1);
        Assert.True(Acted(a) == 0 || Acted(b) == 0, $"both instances acted ({Acted(a)} and {Acted(b)})");
        Assert.Equal(1, await a.QueryAsync<long>(
            "SELECT count(*) FROM event_outbox WHERE subject = 'dixie.signal.fleet.agent_failed' AND payload->'data'->>'task_id' = @id", new { id = id.ToString() }));
        Assert.Equal(1, await a.QueryAsync<long>(
            "SELECT count(*) FROM audit_entries WHERE event_type = 'fleet.task.status_changed' AND payload->>'task_id' = @id", new { id = id.ToString() }));

        static int Acted(DixieHost host) => host.Logs.Events(LogEvents.FleetMonitorCycle).Count(e => e.Bool("acted"));
        static int Cycles(DixieHost host) => host.Logs.Events(LogEvents.FleetMonitorCycle).Count;
    }

    [Fact]
    public async Task Governor_is_degraded_when_a_task_exceeds_its_retry_budget()
    {
        await using var host = await FleetTesting.StartHostAsync([]);
        var governor = host.App.Services.GetServices<IGovernor>().Single(g => g.ResourceType == "fleet");
        var healthy = await governor.CheckAsync(default);
        Assert.Equal("healthy", healthy.Status);
        Assert.Equal(["INV-014", "INV-015", "INV-017"], healthy.Invariants.Select(i => i.Id));

        // The table's own CHECK forbids this row; an adopted or hand-edited database may still hold one.
        await host.ExecuteAsync("ALTER TABLE fleet_tasks DROP CONSTRAINT valid_retry_count");
        await host.ExecuteAsync("""
            INSERT INTO fleet_tasks (operator_id, agent_type, model, task_type, description, repository, branch, status, retry_count, max_retries)
            VALUES ('0x0000000000000000000000000000000000000002', 'claude_code', 'm', 'docs', 'over budget', 'r', 'b', 'failed', 4, 3)
            """);
        var check = await governor.CheckAsync(default);
        Assert.Equal("degraded", check.Status);
        Assert.False(check.Invariants.Single(i => i.Id == "INV-017").Satisfied);
    }

    private static async Task<Guid> InsertRunningAsync(DixieHost host, string instance, int pid, DateTimeOffset started, int spawnedMinutesAgo = 0)
    {
        await using var connection = await host.Get<NpgsqlDataSource>().OpenConnectionAsync();
        return await InsertRunningAsync(connection, instance, pid, started, spawnedMinutesAgo);
    }

    private static Task<Guid> InsertRunningAsync(NpgsqlConnection connection, string instance, int pid, DateTimeOffset started, int spawnedMinutesAgo = 0) =>
        connection.QuerySingleAsync<Guid>("""
            INSERT INTO fleet_tasks (operator_id, agent_type, model, task_type, description, repository, branch, status, context_hash,
                runner_instance, process_pid, process_started_at, spawned_at, timeout_minutes)
            VALUES ('0x0000000000000000000000000000000000000003', 'claude_code', 'm', 'docs', 'monitor row', 'r', 'b', 'running', @hash,
                @instance, @pid, @started, now() - make_interval(mins => @spawnedMinutesAgo), 120)
            RETURNING id
            """, new { hash = Guid.NewGuid().ToString("N"), instance, pid, started = started.UtcDateTime, spawnedMinutesAgo });
}
