using System.Text.Json.Nodes;
using Dixie.Bff.Features.Governance.Mutations;

namespace Dixie.Bff.Tests.Governance;

public sealed class MutationLogTests(AuditHostFixture fixture) : IClassFixture<AuditHostFixture>
{
    private MutationLog Log => fixture.Host.Get<MutationLog>();

    [Fact]
    public void Name_based_ids_follow_rfc_9562_version_5()
    {
        // RFC 9562's (and Python's uuid5) example: the DNS namespace and "www.example.com".
        var dns = new Guid("6ba7b810-9dad-11d1-80b4-00c04fd430c8");
        Assert.Equal(new Guid("2ed6657d-e927-568b-95e1-2665a8aea6a2"), NameBasedUuid.Create(dns, "www.example.com"));
        Assert.Equal(MutationLog.MutationId("task-1:admitted"), MutationLog.MutationId("task-1:admitted"));
        Assert.NotEqual(MutationLog.MutationId("task-1:admitted"), MutationLog.MutationId("task-1:cancelled"));
        Assert.Equal(7, MutationLog.MutationId(null).Version);
    }

    [Fact]
    public async Task The_same_natural_key_writes_one_row()
    {
        var key = $"{Guid.NewGuid()}:admitted";
        var mutation = new Mutation("fleet", "fleet.task.admitted", "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266", new JsonObject { ["tier"] = "builder" }, key);

        Assert.True(await RecordAsync(mutation));
        Assert.False(await RecordAsync(mutation));

        Assert.Equal(1, await fixture.CountAsync("SELECT count(*) FROM governance_mutations WHERE mutation_id = @chain::uuid", MutationLog.MutationId(key).ToString()));
    }

    [Fact]
    public async Task Rows_carry_the_instance_session_and_the_action()
    {
        var marker = Guid.NewGuid().ToString();
        Assert.True(await RecordAsync(new Mutation("reputation", "reputation.events.ingested", "admin", new JsonObject { ["marker"] = marker, ["accepted"] = 2 })));
        Assert.True(await RecordAsync(new Mutation("reputation", "reputation.events.ingested", "admin", new JsonObject { ["marker"] = marker, ["accepted"] = 1 })));

        await using var command = fixture.DataSource.CreateCommand("""
            SELECT session_id, actor_id, resource_type, mutation_type, payload->>'accepted' FROM governance_mutations
            WHERE payload->>'marker' = @marker ORDER BY payload->>'accepted'
            """);
        command.Parameters.AddWithValue("marker", marker);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<(Guid Session, string Actor, string Resource, string Type, string Accepted)>();
        while (await reader.ReadAsync()) rows.Add((reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4)));

        Assert.Equal(2, rows.Count);
        Assert.All(rows, row => Assert.Equal((fixture.Host.Get<InstanceSession>().Id, "admin", "reputation", "reputation.events.ingested"), (row.Session, row.Actor, row.Resource, row.Type)));
        Assert.Equal(["1", "2"], rows.Select(r => r.Accepted));
    }

    [Fact]
    public async Task A_rolled_back_transaction_leaves_no_row()
    {
        var key = $"{Guid.NewGuid()}:cancelled";
        await using (var connection = await fixture.DataSource.OpenConnectionAsync())
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            Assert.True(await Log.RecordAsync(connection, transaction, new Mutation("fleet", "fleet.task.cancelled", "admin", null, key), default));
            await transaction.RollbackAsync();
        }
        Assert.Equal(0, await fixture.CountAsync("SELECT count(*) FROM governance_mutations WHERE mutation_id = @chain::uuid", MutationLog.MutationId(key).ToString()));
    }

    private async Task<bool> RecordAsync(Mutation mutation)
    {
        await using var connection = await fixture.DataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        var written = await Log.RecordAsync(connection, transaction, mutation, default);
        await transaction.CommitAsync();
        return written;
    }
}
