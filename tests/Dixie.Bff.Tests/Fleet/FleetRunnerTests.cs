using System.Net;
using Dixie.Bff.Features.Fleet;
using Dixie.Bff.Tests.Support;

namespace Dixie.Bff.Tests.Fleet;

/// <summary>Real agent processes (the fake agent) through spawn, exit, stop and logs.</summary>
[Collection(FleetCollection.Name)]
public sealed class FleetRunnerTests(FleetHostFixture fixture)
{
    private DixieHost Host => fixture.Host;

    [Fact]
    public async Task Exit_zero_without_result_completes_and_frees_the_slot()
    {
        using var client = Host.Wallet(fixture.NewOperator());
        var id = await client.SpawnedAsync("exit:0");
        var task = await client.StatusAsync(id, "completed");
        Assert.Equal(System.Text.Json.JsonValueKind.Null, task.GetProperty("result").ValueKind);
        using var status = await client.GetAsync("/api/fleet/status");
        var body = await status.JsonAsync();
        Assert.Equal((0, 1), (body.GetProperty("activeTasks").GetInt32(), body.GetProperty("completedTasks").GetInt32()));
        Assert.Equal(("architect", 3), (body.GetProperty("tier").GetString(), body.GetProperty("tierLimit").GetInt32()));
    }

    [Fact]
    public async Task Exit_zero_with_result_moves_to_pr_created()
    {
        using var client = Host.Wallet(fixture.NewOperator());
        var id = await client.SpawnedAsync("pr:42");
        var task = await client.StatusAsync(id, "pr_created");
        Assert.Equal(42, task.GetProperty("prNumber").GetInt32());
        Assert.Equal(42, task.GetProperty("result").GetProperty("prNumber").GetInt32());
        var outcome = await Host.QueryAsync<string>(
            "SELECT payload->'data'->>'outcome' FROM event_outbox WHERE subject = 'dixie.signal.fleet.agent_completed' AND payload->'data'->>'task_id' = @id", new { id = id.ToString() });
        Assert.Equal("pr_created", outcome);
    }

    [Fact]
    public async Task Nonzero_exit_fails_with_exit_code()
    {
        using var client = Host.Wallet(fixture.NewOperator());
        var id = await client.SpawnedAsync("exit:3");
        var task = await client.StatusAsync(id, "failed");
        Assert.Equal("exit", task.GetProperty("failureContext").GetProperty("reason").GetString());
        Assert.Equal(3, task.GetProperty("failureContext").GetProperty("exitCode").GetInt32());
    }

    [Fact]
    public async Task Agent_killed_from_outside_fails_with_the_signal_exit_code()
    {
        using var client = Host.Wallet(fixture.NewOperator());
        var id = await client.SpawnedAsync("hang:120 killed");
        var pid = await Host.QueryAsync<int>("SELECT process_pid FROM fleet_tasks WHERE id = @id", new { id });
        Assert.True(ProcStat.Signal(pid, ProcStat.SigKill));
        var task = await client.StatusAsync(id, "failed");
        Assert.Equal("exit", task.GetProperty("failureContext").GetProperty("reason").GetString());
        // Killed by SIGKILL: reported as 128 + 9 by the exit callback (spec 07 §4.4).
        Assert.Equal(137, task.GetProperty("failureContext").GetProperty("exitCode").GetInt32());
    }

    [Fact]
    public async Task Stop_kills_the_whole_tree()
    {
        using var client = Host.Wallet(fixture.NewOperator());
        var id = await client.SpawnedAsync("child");
        var logs = await Eventually.ValueAsync(() => client.GetStringAsync($"/api/fleet/tasks/{id}/logs"), text => text.Contains("grandchild"));
        var grandchild = int.Parse(System.Text.RegularExpressions.Regex.Match(logs, @"grandchild (\d+)").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        var agent = await Host.QueryAsync<int>("SELECT process_pid FROM fleet_tasks WHERE id = @id", new { id });
        Assert.NotNull(ProcStat.Read(grandchild));

        using var stop = await client.PostAsync($"/api/fleet/tasks/{id}/stop", null);
        Assert.Equal($$"""{"ok":true,"taskId":"{{id}}","status":"cancelled"}""", await stop.Content.ReadAsStringAsync());
        await Eventually.TrueAsync(() => ProcStat.Read(agent) is null or { IsZombie: true } && ProcStat.Read(grandchild) is null or { IsZombie: true },
            TimeSpan.FromSeconds(5), "agent and grandchild gone");

        using var again = await client.PostAsync($"/api/fleet/tasks/{id}/stop", null);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        await client.StatusAsync(id, "cancelled");

        // Spec 08 §3: admission and the stop each leave one mutation row, keyed by the task.
        var mutations = await Host.QueryAsync<string>("""
            SELECT string_agg(mutation_type || '/' || actor_id, ',' ORDER BY mutation_type) FROM governance_mutations
            WHERE resource_type = 'fleet' AND payload->>'task_id' = @id
            """, new { id = id.ToString("D") });
        var wallet = await Host.QueryAsync<string>("SELECT operator_id FROM fleet_tasks WHERE id = @id", new { id });
        Assert.Equal($"fleet.task.admitted/{wallet},fleet.task.cancelled/{wallet}", mutations);
    }

    [Fact]
    public async Task Stop_escalates_to_sigkill_after_grace()
    {
        using var client = Host.Wallet(fixture.NewOperator());
        var id = await client.SpawnedAsync("ignore-term");
        await Eventually.ValueAsync(() => client.GetStringAsync($"/api/fleet/tasks/{id}/logs"), text => text.Contains("ignoring TERM"));
        var agent = await Host.QueryAsync<int>("SELECT process_pid FROM fleet_tasks WHERE id = @id", new { id });
        using var stop = await client.PostAsync($"/api/fleet/tasks/{id}/stop", null);
        Assert.Equal(HttpStatusCode.OK, stop.StatusCode);
        await Eventually.TrueAsync(() => ProcStat.Read(agent) is null or { IsZombie: true }, TimeSpan.FromSeconds(3), "agent gone");
    }

    [Fact]
    public async Task Logs_return_the_last_lines()
    {
        using var client = Host.Wallet(fixture.NewOperator());
        var id = await client.SpawnedAsync("lines:500");
        await client.StatusAsync(id, "completed");
        var all = (await (await client.GetAsync($"/api/fleet/tasks/{id}/logs")).JsonAsync()).GetProperty("logs").GetString()!;
        var lines = all.TrimEnd('\n').Split('\n');
        Assert.Equal(200, lines.Length);
        Assert.Equal("line 500", lines[^1]);
        var three = (await (await client.GetAsync($"/api/fleet/tasks/{id}/logs?lines=3")).JsonAsync()).GetProperty("logs").GetString()!;
        Assert.Equal("line 498\nline 499\nline 500\n", three);
        var capped = (await (await client.GetAsync($"/api/fleet/tasks/{id}/logs?lines=20000")).JsonAsync()).GetProperty("logs").GetString()!;
        Assert.Equal(500, capped.TrimEnd('\n').Split('\n').Length);
        var huge = (await (await client.GetAsync($"/api/fleet/tasks/{id}/logs?lines=99999999999999999999")).JsonAsync()).GetProperty("logs").GetString()!;
        Assert.Equal(capped, huge);
        foreach (var bad in new[] { "0", "-1", "x" })
        {
            using var response = await client.GetAsync($"/api/fleet/tasks/{id}/logs?lines={bad}");
            await ErrorAssert.IsErrorAsync(response, HttpStatusCode.BadRequest, "invalid_request", "lines must be an integer between 1 and 10000");
        }
    }

    [Fact]
    public async Task Retry_runs_a_fresh_attempt()
    {
        using var client = Host.Wallet(fixture.NewOperator());
        var id = await client.SpawnedAsync("exit:1 then retry", new { maxRetries = 1 });
        await client.StatusAsync(id, "failed");
        // The first attempt's instance is gone (a restart, another host): the retrying instance owns the new attempt.
        await Host.ExecuteAsync("UPDATE fleet_tasks SET runner_instance = 'gone-host:boot/1/1' WHERE id = @id", new { id });
        using var retry = await client.PostAsync($"/api/fleet/tasks/{id}/retry", null);
        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        Assert.Equal(Host.Get<RunnerIdentity>().Instance, await Host.QueryAsync<string>("SELECT runner_instance FROM fleet_tasks WHERE id = @id", new { id }));
        var body = await retry.JsonAsync();
        Assert.Equal(1, body.GetProperty("retryCount").GetInt32());
        Assert.EndsWith("attempt-1", body.GetProperty("worktreePath").GetString());
        await client.StatusAsync(id, "failed");
        using var exhausted = await client.PostAsync($"/api/fleet/tasks/{id}/retry", null);
        await ErrorAssert.IsErrorAsync(exhausted, HttpStatusCode.Conflict, "conflict", "Retry budget exhausted (1/1)");
    }

    [Fact]
    public async Task Delete_rules()
    {
        using var client = Host.Wallet(fixture.NewOperator());
        var running = await client.SpawnedAsync("sleep:60 delete-running");
        using var refused = await client.DeleteAsync($"/api/fleet/tasks/{running}");
        await ErrorAssert.IsErrorAsync(refused, HttpStatusCode.Conflict, "conflict", $"Cannot delete active task {running} (status: running)");
        (await client.PostAsync($"/api/fleet/tasks/{running}/stop", null)).Dispose();

        var done = await client.SpawnedAsync("exit:0 delete-done");
        await client.StatusAsync(done, "completed");
        await Eventually.TrueAsync(async () => await Host.QueryAsync<bool>("SELECT process_ended_at IS NOT NULL FROM fleet_tasks WHERE id = @done", new { done }));
        using var deleted = await client.DeleteAsync($"/api/fleet/tasks/{done}");
        Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        Assert.False(Directory.Exists(Path.Combine(Host.Environment["DIXIE_FLEET_WORK_DIR"]!, done.ToString())));
        // The same description spawns again after the delete.
        await client.SpawnedAsync("exit:0 delete-done");
    }

    [Fact]
    public async Task Stop_and_retry_in_other_statuses_are_409()
    {
        using var client = Host.Wallet(fixture.NewOperator());
        var done = await client.SpawnedAsync("exit:0 stop-done");
        await client.StatusAsync(done, "completed");
        using (var stop = await client.PostAsync($"/api/fleet/tasks/{done}/stop", null))
        {
            var body = await ErrorAssert.IsErrorAsync(stop, HttpStatusCode.Conflict, "conflict", $"Task {done} cannot be stopped in status completed");
            Assert.Equal("completed", body.GetProperty("status").GetString());
        }
        using (var retry = await client.PostAsync($"/api/fleet/tasks/{done}/retry", null))
            await ErrorAssert.IsErrorAsync(retry, HttpStatusCode.Conflict, "conflict", $"Task {done} cannot be retried in status completed");

        var running = await client.SpawnedAsync("hang:60 retry-running");
        using (var retry = await client.PostAsync($"/api/fleet/tasks/{running}/retry", null))
            await ErrorAssert.IsErrorAsync(retry, HttpStatusCode.Conflict, "conflict", $"Task {running} cannot be retried in status running");
        (await client.PostAsync($"/api/fleet/tasks/{running}/stop", null)).Dispose();
        using (var retry = await client.PostAsync($"/api/fleet/tasks/{running}/retry", null))
            await ErrorAssert.IsErrorAsync(retry, HttpStatusCode.Conflict, "conflict", $"Task {running} cannot be retried in status cancelled");
    }

    [Fact]
    public async Task Retry_at_tier_limit_is_403()
    {
        var op = fixture.NewOperator("builder");
        using var client = Host.Wallet(op);
        var failed = await client.SpawnedAsync("exit:2 retry-limit");
        await client.StatusAsync(failed, "failed");
        var holder = await client.SpawnedAsync("hang:60 retry-limit holder");
        using var retry = await client.PostAsync($"/api/fleet/tasks/{failed}/retry", null);
        var body = await ErrorAssert.IsErrorAsync(retry, HttpStatusCode.Forbidden, "spawn_denied");
        Assert.Equal("tier_limit_exceeded", body.GetProperty("denial_reason").GetString());
        Assert.Equal(failed.ToString(), await Host.QueryAsync<string>(
            "SELECT payload->'data'->>'retry_of' FROM event_outbox WHERE subject = 'dixie.signal.fleet.spawn_denied' AND payload->'data'->>'retry_of' = @id", new { id = failed.ToString() }));
        (await client.PostAsync($"/api/fleet/tasks/{holder}/stop", null)).Dispose();
    }

    [Fact]
    public async Task Status_counts_cover_all_tasks_and_list_the_fifty_newest()
    {
        var op = fixture.NewOperator();
        await Host.ExecuteAsync("""
            INSERT INTO fleet_tasks (operator_id, agent_type, model, task_type, description, repository, branch, status, context_hash,
                spawned_at, completed_at, created_at)
            SELECT @op, 'claude_code', 'm', 'docs', 'bulk ' || i, 'r', 'b',
                CASE WHEN i % 3 = 0 THEN 'completed' WHEN i % 3 = 1 THEN 'failed' ELSE 'merged' END, md5(i::text || @op),
                now() - interval '2 hours', now() - interval '1 hour', now() - make_interval(mins => i)
            FROM generate_series(1, 60) AS i
            """, new { op });
        using var client = Host.Wallet(op);
        var body = await (await client.GetAsync("/api/fleet/status")).JsonAsync();
        Assert.Equal((0, 40, 20), (body.GetProperty("activeTasks").GetInt32(), body.GetProperty("completedTasks").GetInt32(), body.GetProperty("failedTasks").GetInt32()));
        var tasks = body.GetProperty("tasks").EnumerateArray().ToList();
        Assert.Equal(50, tasks.Count);
        Assert.Equal("bulk 1", tasks[0].GetProperty("description").GetString());
        Assert.All(tasks, t => Assert.Equal(60, t.GetProperty("durationMinutes").GetInt32()));
    }
}
