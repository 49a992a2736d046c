using System.Net;
using Dixie.Bff.Features.Fleet;
using Dixie.Bff.Tests.Support;

namespace Dixie.Bff.Tests.Fleet;

[Collection(FleetCollection.Name)]
[Trait("Category", "Security")]
public sealed class FleetAdmissionTests(FleetHostFixture fixture)
{
    private DixieHost Host => fixture.Host;

    [Fact]
    public void Idempotency_token_and_lock_key_golden_vectors()
    {
        var token = FleetHashes.IdempotencyToken("Fix the login redirect loop", "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266",
            new DateTimeOffset(2026, 1, 15, 10, 0, 0, TimeSpan.Zero));
        Assert.Equal("cb8ce0d60892a4819565da9dc7bd4c7cfb6eb22c70325788aaeb7d897098cc7b", token);
        Assert.Equal("fleet/bug_fix/cb8ce0d60892", FleetHashes.Branch("bug_fix", token));
        Assert.Equal(-229006241594475932, FleetHashes.AdmissionLockKey("0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"));
        Assert.Equal("dffe1949d232", FleetEvents.OperatorHash("0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"));
    }

    [Fact]
    public async Task Parallel_spawns_never_exceed_the_limit()
    {
        var op = fixture.NewOperator("architect");
        using var client = Host.Wallet(op);
        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => client.SpawnAsync($"sleep:60 parallel {i}")));
        Assert.Equal(3, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
        Assert.Equal(17, responses.Count(r => r.StatusCode == HttpStatusCode.Forbidden));
        var slots = await Host.QueryAsync<long>(
            "SELECT count(*) FROM fleet_tasks WHERE operator_id = @op AND status IN ('proposed','spawning','running','pr_created','reviewing','ready','retrying')", new { op });
        Assert.Equal(3, slots);
        await StopAllAsync(client, op);
    }

    [Fact]
    public async Task Builder_gets_one_slot_and_the_second_spawn_is_denied()
    {
        var op = fixture.NewOperator("builder");
        using var client = Host.Wallet(op);
        await client.SpawnedAsync("sleep:60 first");
        using var denied = await client.SpawnAsync("sleep:60 second");
        var body = await ErrorAssert.IsErrorAsync(denied, HttpStatusCode.Forbidden, "spawn_denied");
        Assert.Equal("tier_limit_exceeded", body.GetProperty("denial_reason").GetString());
        Assert.Equal(1, body.GetProperty("activeCount").GetInt32());
        Assert.Equal(1, body.GetProperty("tierLimit").GetInt32());
        Assert.Equal("architect", body.GetProperty("evaluationGap").GetProperty("required").GetProperty("minimumTier").GetString());
        Assert.Equal("1 of 1 concurrent tasks in use; stop or finish a task, or reach architect (1000 BGT staked) for 3.",
            body.GetProperty("evaluationGap").GetProperty("hint").GetString());

        // A replay at the limit is never denied.
        using var replay = await client.SpawnAsync("sleep:60 first");
        Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
        await StopAllAsync(client, op);
    }

    [Theory]
    [InlineData("observer")]
    [InlineData("participant")]
    public async Task Observer_and_participant_are_not_permitted(string tier)
    {
        var op = fixture.NewOperator(tier);
        using var client = Host.Wallet(op);
        using var response = await client.SpawnAsync("exit:0 not permitted");
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var expected = $$$"""{"error":"spawn_denied","message":"Spawn denied for operator {{{op}}}: tier {{{tier}}} is not permitted to spawn agents (limit 0)","tier":"{{{tier}}}","activeCount":0,"tierLimit":0,"denial_reason":"tier_not_permitted","evaluationGap":{"current":{"tier":"{{{tier}}}","taskCount":0},"required":{"maximumConcurrentTasks":0,"minimumTier":"builder"},"hint":"Tier {{{tier}}} cannot spawn fleet agents; builder (100 BGT staked) allows 1 concurrent task(s)."}}""";
        Assert.Equal(expected, await response.Content.ReadAsStringAsync());

        var audits = await Host.QueryAsync<long>(
            "SELECT count(*) FROM audit_entries WHERE resource_type = 'fleet' AND event_type = 'fleet.spawn.denied' AND actor_id = @op AND payload->>'denial_reason' = 'tier_not_permitted'", new { op });
        Assert.Equal(1, audits);
        var events = await Host.QueryAsync<long>(
            "SELECT count(*) FROM event_outbox WHERE subject = 'dixie.signal.fleet.spawn_denied' AND payload->'data'->>'operator_hash' = @hash AND payload->>'type' = 'fleet.spawn_denied'",
            new { hash = FleetEvents.OperatorHash(op) });
        Assert.Equal(1, events);
        Assert.Equal(0, await Host.QueryAsync<long>("SELECT count(*) FROM fleet_tasks WHERE operator_id = @op", new { op }));
    }

    [Fact]
    [Trait("Category", "Performance")]
    public async Task Fifty_concurrent_spawns_by_ten_operators_respect_every_limit()
    {
        // Spec 13 P8: tier limits never exceeded; every answer within 1 s at p99.
        var tiers = new[] { "builder", "architect", "sovereign", "participant", "architect", "builder", "sovereign", "architect", "observer", "builder" };
        var operators = tiers.Select(tier => (Wallet: fixture.NewOperator(tier), Limit: tier switch { "builder" => 1, "architect" => 3, "sovereign" => 10, _ => 0 })).ToList();
        var clients = operators.Select(o => Host.Wallet(o.Wallet)).ToList();
        // Warm the paths (JIT, pools) first: the bar is about steady-state admission, not a cold process.
        using (var warm = Host.Wallet(fixture.NewOperator("architect")))
        {
            await Task.WhenAll(Enumerable.Range(0, 5).Select(i => warm.SpawnAsync($"exit:0 warm {i}")));
        }
        var timings = new System.Collections.Concurrent.ConcurrentBag<double>();
        var responses = await Task.WhenAll(Enumerable.Range(0, 50).Select(async i =>
        {
            var watch = System.Diagnostics.Stopwatch.StartNew();
            var response = await clients[i % 10].SpawnAsync($"hang:60 p8 {i}");
            timings.Add(watch.Elapsed.TotalMilliseconds);
            return (Operator: i % 10, response.StatusCode);
        }));
        foreach (var (index, (wallet, limit)) in operators.Index())
        {
            var created = responses.Count(r => r.Operator == index && r.StatusCode == HttpStatusCode.Created);
            Assert.Equal(Math.Min(limit, 5), created);
            Assert.Equal(created, await Host.QueryAsync<long>(
                "SELECT count(*) FROM fleet_tasks WHERE operator_id = @wallet AND status IN ('proposed','spawning','running','pr_created','reviewing','ready','retrying')", new { wallet }));
        }
        var sorted = timings.Order().ToList();
        Assert.True(sorted[(int)Math.Ceiling(sorted.Count * 0.99) - 1] < 1000, $"p99 {sorted[^1]:0} ms");
        foreach (var (client, (wallet, _)) in clients.Zip(operators))
        {
            await StopAllAsync(client, wallet);
            client.Dispose();
        }
    }

    [Fact]
    public async Task Tier_downgrade_blocks_new_spawns_only()
    {
        var op = fixture.NewOperator("architect");
        using var client = Host.Wallet(op);
        var ids = new List<Guid>();
        for (var i = 0; i < 3; i++) ids.Add(await client.SpawnedAsync($"hang:60 downgrade {i}"));
        fixture.Tiers.Pinned[op] = "builder";
        using var denied = await client.SpawnAsync("hang:60 downgrade 4");
        var body = await ErrorAssert.IsErrorAsync(denied, HttpStatusCode.Forbidden, "spawn_denied");
        Assert.Equal((3, 1), (body.GetProperty("activeCount").GetInt32(), body.GetProperty("tierLimit").GetInt32()));
        foreach (var id in ids) Assert.Equal("running", (await client.TaskAsync(id)).GetProperty("status").GetString());
        await StopAllAsync(client, op);
    }

    [Fact]
    public async Task Parallel_replays_create_one_task()
    {
        var op = fixture.NewOperator("architect");
        using var client = Host.Wallet(op);
        var responses = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => client.SpawnAsync("sleep:60 replayed")));
        Assert.Equal(1, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
        Assert.Equal(9, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        Assert.Equal(1, await Host.QueryAsync<long>("SELECT count(*) FROM fleet_tasks WHERE operator_id = @op", new { op }));
        await StopAllAsync(client, op);
    }

    [Fact]
    public async Task Spawn_is_audited_and_emitted_without_a_raw_wallet()
    {
        var op = fixture.NewOperator("architect");
        using var client = Host.Wallet(op);
        var id = await client.SpawnedAsync("exit:0 audited");
        await client.StatusAsync(id, "completed");
        var subjects = await Host.QueryAsync<string>(
            "SELECT string_agg(subject, ',' ORDER BY (payload->'data'->>'version')::int) FROM event_outbox WHERE payload->'data'->>'task_id' = @id", new { id = id.ToString() });
        Assert.Equal("dixie.signal.fleet.task_status_changed,dixie.signal.fleet.task_status_changed,dixie.signal.fleet.agent_spawned,dixie.signal.fleet.agent_completed", subjects);
        var leaks = await Host.QueryAsync<long>("SELECT count(*) FROM event_outbox WHERE payload::text ILIKE @like", new { like = $"%{op[2..]}%" });
        Assert.Equal(0, leaks);
        var audit = await Host.QueryAsync<string>(
            "SELECT string_agg(event_type, ',' ORDER BY created_at) FROM audit_entries WHERE resource_type = 'fleet' AND payload->>'task_id' = @id", new { id = id.ToString() });
        Assert.Equal("fleet.spawn.admitted,fleet.task.status_changed,fleet.task.status_changed,fleet.task.status_changed", audit);
    }

    private static async Task StopAllAsync(HttpClient client, string op)
    {
        using var status = await client.GetAsync("/api/fleet/status");
        foreach (var task in (await status.JsonAsync()).GetProperty("tasks").EnumerateArray())
        {
            if (task.GetProperty("status").GetString() is "running") (await client.PostAsync($"/api/fleet/tasks/{task.GetProperty("id").GetGuid()}/stop", null)).Dispose();
        }
        _ = op;
    }
}
