using System.Net;
using System.Net.Http.Json;
using Dapper;
using Dixie.Bff.Features.Fleet;
using Dixie.Bff.Tests.Support;
using Npgsql;

namespace Dixie.Bff.Tests.Fleet;

[Collection(FleetCollection.Name)]
public sealed class FleetStateMachineTests(FleetHostFixture fixture)
{
    private DixieHost Host => fixture.Host;

    [Fact]
    public void The_table_has_the_nineteen_legal_edges()
    {
        // The existing service's 16, proposed → failed and running → completed (spec 07), retrying → failed (ADR-018).
        Assert.Equal(19, FleetStatus.LegalEdges.Count());
        Assert.True(FleetStatus.CanMove("retrying", "failed"));
        Assert.Equal(13, FleetStatus.All.Count);
        Assert.True(FleetStatus.CanMove("proposed", "failed"));
        Assert.True(FleetStatus.CanMove("running", "completed"));
        Assert.False(FleetStatus.CanMove("cancelled", "retrying"));
    }

    [Fact]
    public async Task Every_legal_edge_succeeds_and_every_other_pair_is_a_conflict()
    {
        var op = fixture.NewOperator();
        var transitions = Host.Get<FleetTransitions>();
        var dataSource = Host.Get<NpgsqlDataSource>();
        foreach (var from in FleetStatus.All)
        {
            foreach (var to in FleetStatus.All)
            {
                var row = await InsertAsync(op, from);
                await using var connection = await dataSource.OpenConnectionAsync();
                await using var transaction = await connection.BeginTransactionAsync();
                if (FleetStatus.CanMove(from, to))
                {
                    var moved = await transitions.MoveOrConflictAsync(connection, transaction, row, to, FleetChange.None, FleetActor.Admin, default);
                    Assert.Equal((to, row.Version + 1), (moved.Status, moved.Version));
                }
                else
                {
                    var conflict = await Assert.ThrowsAsync<FleetConflictException>(() =>
                        transitions.MoveOrConflictAsync(connection, transaction, row, to, FleetChange.None, FleetActor.Admin, default));
                    Assert.Equal($"Cannot move task {row.Id} from {from} to {to}", conflict.Message);
                }
                await transaction.CommitAsync();
            }
        }
    }

    [Fact]
    public async Task Admin_status_route_answers_409_for_every_illegal_target()
    {
        var op = fixture.NewOperator();
        using var admin = Host.Admin();
        foreach (var from in FleetStatus.All)
        {
            foreach (var to in new[] { "pr_created", "reviewing", "ready", "merged", "rejected" })
            {
                var row = await InsertAsync(op, from);
                using var response = await admin.PostAsJsonAsync($"/api/fleet/tasks/{row.Id}/status", new { status = to });
                if (from == to || FleetStatus.CanMove(from, to))
                {
                    Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                    continue;
                }
                var body = await ErrorAssert.IsErrorAsync(response, HttpStatusCode.Conflict, "conflict", $"Cannot move task {row.Id} from {from} to {to}");
                Assert.Equal(from, body.GetProperty("status").GetString());
            }
        }
    }

    [Fact]
    public async Task Stale_version_is_a_conflict()
    {
        var op = fixture.NewOperator();
        var row = await InsertAsync(op, "running");
        var transitions = Host.Get<FleetTransitions>();
        await using var connection = await Host.Get<NpgsqlDataSource>().OpenConnectionAsync();
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            await transitions.MoveOrConflictAsync(connection, transaction, row, "pr_created", FleetChange.None, FleetActor.Admin, default);
            await transaction.CommitAsync();
        }
        var stale = new FleetTaskRow { Id = row.Id, OperatorId = op, Status = "pr_created", Version = row.Version };
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            var conflict = await Assert.ThrowsAsync<FleetConflictException>(() =>
                transitions.MoveOrConflictAsync(connection, transaction, stale, "reviewing", FleetChange.None, FleetActor.Admin, default));
            Assert.Equal($"Task {row.Id} was modified concurrently; reload and retry", conflict.Message);
        }

        using var admin = Host.Admin();
        using var response = await admin.PostAsJsonAsync($"/api/fleet/tasks/{row.Id}/status", new { status = "reviewing", expectedVersion = 0 });
        var body = await ErrorAssert.IsErrorAsync(response, HttpStatusCode.Conflict, "conflict", $"Task {row.Id} was modified concurrently; reload and retry");
        Assert.Equal("pr_created", body.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Admin_status_route_walks_the_pr_lifecycle_and_stores_metadata()
    {
        var op = fixture.NewOperator();
        var row = await InsertAsync(op, "running");
        using var admin = Host.Admin();
        foreach (var status in new[] { "pr_created", "reviewing", "ready", "merged" })
        {
            using var response = await admin.PostAsJsonAsync($"/api/fleet/tasks/{row.Id}/status", new { status, prNumber = 7, ciStatus = "green" });
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        var task = await admin.TaskAsync(row.Id);
        Assert.Equal(("merged", 7, "green"), (task.GetProperty("status").GetString(), task.GetProperty("prNumber").GetInt32(), task.GetProperty("ciStatus").GetString()));
        Assert.NotEqual(System.Text.Json.JsonValueKind.Null, task.GetProperty("completedAt").ValueKind);

        // Same status: a metadata-only update, version + 1, no event.
        var events = await Host.QueryAsync<long>("SELECT count(*) FROM event_outbox WHERE payload->'data'->>'task_id' = @id", new { id = row.Id.ToString() });
        using var same = await admin.PostAsJsonAsync($"/api/fleet/tasks/{row.Id}/status", new { status = "merged", ciStatus = "re-run" });
        var updated = await same.JsonAsync();
        Assert.Equal(("re-run", task.GetProperty("version").GetInt32() + 1), (updated.GetProperty("ciStatus").GetString(), updated.GetProperty("version").GetInt32()));
        Assert.Equal(events, await Host.QueryAsync<long>("SELECT count(*) FROM event_outbox WHERE payload->'data'->>'task_id' = @id", new { id = row.Id.ToString() }));
    }

    [Theory]
    [InlineData("""{"status":"pr_created","ciStatus":"green\u0000"}""", "ciStatus must not contain NUL characters")]
    [InlineData("""{"status":"pr_created","reviewStatus":{"note":"\u0000"}}""", "reviewStatus must not contain NUL characters or numbers beyond PostgreSQL's numeric range")]
    [InlineData("""{"status":"pr_created","reviewStatus":{"score":1e-20000}}""", "reviewStatus must not contain NUL characters or numbers beyond PostgreSQL's numeric range")]
    public async Task Admin_status_route_refuses_what_postgresql_cannot_store(string body, string message)
    {
        var row = await InsertAsync(fixture.NewOperator(), "running");
        using var admin = Host.Admin();
        using var response = await admin.PostAsync($"/api/fleet/tasks/{row.Id}/status", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        await ErrorAssert.IsErrorAsync(response, HttpStatusCode.BadRequest, "invalid_request", message);
        Assert.Equal("running", await Host.QueryAsync<string>("SELECT status FROM fleet_tasks WHERE id = @id", new { id = row.Id }));
    }

    private async Task<FleetTaskRow> InsertAsync(string op, string status)
    {
        await using var connection = await Host.Get<NpgsqlDataSource>().OpenConnectionAsync();
        return await connection.QuerySingleAsync<FleetTaskRow>($"""
            INSERT INTO fleet_tasks (operator_id, agent_type, model, task_type, description, repository, branch, status, context_hash)
            VALUES (@op, 'claude_code', 'claude-opus-4-6', 'bug_fix', 'state machine', 'octo/repo', 'fleet/bug_fix/x', @status, @hash)
            RETURNING {FleetTaskRow.Columns}
            """, new { op, status, hash = Guid.NewGuid().ToString("N") });
    }
}
