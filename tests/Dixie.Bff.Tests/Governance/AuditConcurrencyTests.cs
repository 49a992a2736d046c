using System.Net;
using System.Text.Json.Nodes;
using Dixie.Bff.Features.Governance.Audit;
using Dixie.Bff.Tests.Support;
using Npgsql;

namespace Dixie.Bff.Tests.Governance;

public sealed class AuditConcurrencyTests(AuditHostFixture fixture) : IClassFixture<AuditHostFixture>
{
    [Fact]
    public async Task Two_instances_appending_in_parallel_build_one_unbroken_chain()
    {
        var chain = AuditHostFixture.NewChain();
        // A second instance: its own pool and its own AuditTrail on the same database.
        await using var otherInstance = NpgsqlDataSource.Create(fixture.Host.Environment["DATABASE_URL"]!);
        var otherTrail = new AuditTrail(TimeProvider.System);

        var appends = Enumerable.Range(0, 50).SelectMany(i => new[]
        {
            AppendAsync(fixture.DataSource, fixture.Trail, chain, i),
            AppendAsync(otherInstance, otherTrail, chain, 50 + i),
        });
        await Task.WhenAll(appends);

        var verification = await fixture.Verifier.VerifyAsync(chain, default);
        Assert.True(verification.Valid, verification.Detail);
        Assert.Equal(100, verification.EntriesChecked);
        Assert.Equal(100, await fixture.CountAsync("SELECT count(DISTINCT previous_hash) FROM audit_entries WHERE resource_type = @chain", chain));
    }

    [Fact]
    public async Task Two_first_appends_on_an_empty_chain_both_succeed()
    {
        var chain = AuditHostFixture.NewChain();
        await using var otherInstance = NpgsqlDataSource.Create(fixture.Host.Environment["DATABASE_URL"]!);
        await Task.WhenAll(
            AppendAsync(fixture.DataSource, fixture.Trail, chain, 1),
            AppendAsync(otherInstance, new AuditTrail(TimeProvider.System), chain, 2));

        Assert.Equal(1, await fixture.CountAsync("SELECT count(*) FROM audit_entries WHERE resource_type = @chain AND previous_hash = 'sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'", chain));
        var verification = await fixture.Verifier.VerifyAsync(chain, default);
        Assert.True(verification.Valid, verification.Detail);
        Assert.Equal(2, verification.EntriesChecked);
    }

    [Fact]
    public async Task Three_lost_races_are_retried_and_the_chain_stays_whole()
    {
        var chain = AuditHostFixture.NewChain();
        fixture.ForceLosses(chain, AuditTrail.MaxRetries);

        var response = await fixture.Host.Client.PostAsync($"/test/audited-write?chain={chain}", null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, await fixture.CountAsync("SELECT count(*) FROM audit_test_business WHERE chain = @chain", chain));
        Assert.Equal(1, await fixture.CountAsync("SELECT count(*) FROM audit_entries WHERE resource_type = @chain AND event_type = 'test.business.written'", chain));
        var verification = await fixture.Verifier.VerifyAsync(chain, default);
        Assert.True(verification.Valid, verification.Detail);
        Assert.Equal(AuditTrail.MaxRetries + 1, verification.EntriesChecked);
    }

    [Fact]
    public async Task Four_lost_races_answer_503_and_roll_back_the_business_change()
    {
        var chain = AuditHostFixture.NewChain();
        fixture.ForceLosses(chain, AuditTrail.MaxRetries + 1);

        var response = await fixture.Host.Client.PostAsync($"/test/audited-write?chain={chain}", null);

        await ErrorAssert.IsErrorAsync(response, HttpStatusCode.ServiceUnavailable, "audit_unavailable", "Audit chain busy, retry");
        Assert.Equal(0, await fixture.CountAsync("SELECT count(*) FROM audit_test_business WHERE chain = @chain", chain));
        Assert.Equal(0, await fixture.CountAsync("SELECT count(*) FROM audit_entries WHERE resource_type = @chain AND event_type = 'test.business.written'", chain));
        Assert.True((await fixture.Verifier.VerifyAsync(chain, default)).Valid);
    }

    [Fact]
    public async Task A_business_failure_after_the_audit_insert_commits_neither()
    {
        var chain = AuditHostFixture.NewChain();
        await using (var connection = await fixture.DataSource.OpenConnectionAsync())
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            await InsertBusinessRowAsync(connection, transaction, chain);
            await fixture.Trail.AppendAsync(connection, transaction, chain, "test.business.written", "admin", null, default);
            // The business write fails after the entry was appended: the transaction is never committed.
            await Assert.ThrowsAsync<PostgresException>(() => ExecuteAsync(connection, transaction, "SELECT 1/0"));
        }
        Assert.Equal(0, await fixture.CountAsync("SELECT count(*) FROM audit_test_business WHERE chain = @chain", chain));
        Assert.Equal(0, await fixture.CountAsync("SELECT count(*) FROM audit_entries WHERE resource_type = @chain", chain));
    }

    [Fact]
    public async Task A_failed_audit_insert_leaves_the_business_write_uncommitted()
    {
        var chain = AuditHostFixture.NewChain();
        await using (var connection = await fixture.DataSource.OpenConnectionAsync())
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            await InsertBusinessRowAsync(connection, transaction, chain);
            var unstorable = new JsonObject { ["bad"] = "\u0000" }; // JSONB refuses NUL characters
            await Assert.ThrowsAsync<PostgresException>(() =>
                fixture.Trail.AppendAsync(connection, transaction, chain, "test.business.written", "admin", unstorable, default));
            // Even a caller that commits anyway commits nothing: PostgreSQL turns the COMMIT of a failed transaction into a rollback.
            await transaction.CommitAsync();
        }
        Assert.Equal(0, await fixture.CountAsync("SELECT count(*) FROM audit_test_business WHERE chain = @chain", chain));
        Assert.Equal(0, await fixture.CountAsync("SELECT count(*) FROM audit_entries WHERE resource_type = @chain", chain));
    }

    private static async Task AppendAsync(NpgsqlDataSource dataSource, AuditTrail trail, string chain, int n)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await trail.AppendAsync(connection, transaction, chain, "test.entry.added", "admin", new JsonObject { ["n"] = n }, default);
        await transaction.CommitAsync();
    }

    private static Task InsertBusinessRowAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string chain) =>
        ExecuteAsync(connection, transaction, $"INSERT INTO audit_test_business (id, chain) VALUES (gen_random_uuid(), '{chain}')");

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync();
    }
}
