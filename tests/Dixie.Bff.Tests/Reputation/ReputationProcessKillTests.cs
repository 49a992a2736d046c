using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Dixie.Bff.Features.Governance.Audit;
using Dixie.Bff.Tests.Binary;
using Dixie.Bff.Tests.Infrastructure;
using Dixie.Bff.Tests.Support;
using Npgsql;
using static Dixie.Bff.Tests.Reputation.ReputationTesting;

namespace Dixie.Bff.Tests.Reputation;

/// <summary>
/// Spec 13 F6: the real binary is killed while a batch ingest is inside its transaction (events,
/// aggregates, population and outbox written, waiting for the audit chain lock this test holds).
/// Nothing of the batch survives, and the same batch applies whole after a restart.
/// </summary>
[Trait("Category", "Faults")]
public sealed class ReputationProcessKillTests
{
    private const string CountsSql = """
        SELECT (SELECT count(*) FROM reputation_events) || ':' || (SELECT count(*) FROM reputation_aggregates) || ':' ||
               (SELECT count FROM reputation_population) || ':' ||
               (SELECT count(*) FROM event_outbox WHERE subject = 'dixie.signal.reputation') || ':' ||
               (SELECT count(*) FROM audit_entries WHERE resource_type = 'reputation') || ':' ||
               (SELECT count(*) FROM governance_mutations WHERE resource_type = 'reputation')
        """;

    [Fact]
    public async Task A_process_killed_mid_batch_leaves_nothing_and_the_batch_applies_after_restart()
    {
        var databaseUrl = await (await SharedServers.GetAsync()).Postgres.CreateDatabaseAsync();
        var environment = await ServiceBinaryTests.ServiceEnvironmentAsync(databaseUrl);
        var port = int.Parse(environment["DIXIE_PORT"]!, System.Globalization.CultureInfo.InvariantCulture);
        var batch = new JsonArray(Quality(NewAgent(), 0.8, 0), ModelPerformance(NewAgent(), "m", "analysis", 0.6, 1), TaskCompleted(NewAgent(), 2));
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TestEnvironment.AdminKey);

        var run = BinaryRun.Start("dixie-bff", environment);
        var killed = false;
        try
        {
            await ServiceBinaryTests.WaitUntilReadyAsync(client, run, port);
            await using var blocker = new NpgsqlConnection(databaseUrl);
            await blocker.OpenAsync();
            await using var hold = await blocker.BeginTransactionAsync();
            await using (var chainLock = new NpgsqlCommand("SELECT pg_advisory_xact_lock(@class, @chain)", blocker, hold))
            {
                chainLock.Parameters.AddWithValue("class", AuditTrail.LockClass);
                chainLock.Parameters.AddWithValue("chain", AuditTrail.Fnv1a32("reputation"));
                await chainLock.ExecuteNonQueryAsync();
            }

            var ingest = client.PostAsync($"http://127.0.0.1:{port}/api/reputation/events",
                new StringContent(batch.ToJsonString(), Encoding.UTF8, "application/json"));
            // Polled outside the lock holder's transaction: pg_stat_activity is a snapshot per transaction.
            await using var observer = NpgsqlDataSource.Create(databaseUrl);
            await Eventually.TrueAsync(async () =>
            {
                await using var command = observer.CreateCommand(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%pg_advisory_xact_lock%'");
                return (long)(await command.ExecuteScalarAsync())! == 1;
            }, TimeSpan.FromSeconds(20), "the ingest waiting for the audit chain lock");

            // Dispose kills the process tree (SIGKILL): no shutdown hook runs.
            killed = true;
            await run.DisposeAsync();
            await Assert.ThrowsAnyAsync<Exception>(() => ingest);
            await hold.CommitAsync();
        }
        finally
        {
            if (!killed) await run.DisposeAsync();
        }

        await using var dataSource = NpgsqlDataSource.Create(databaseUrl);
        await Eventually.ValueAsync(async () =>
        {
            await using var command = dataSource.CreateCommand(
                "SELECT coalesce(string_agg(application_name || ' ' || state || ' ' || left(query, 50), ' | '), '') FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'dixie-bff'");
            return (string)(await command.ExecuteScalarAsync())!;
        }, sessions => sessions.Length == 0, TimeSpan.FromSeconds(20), sessions => "sessions left: " + sessions);
        await using (var counts = dataSource.CreateCommand(CountsSql))
            Assert.Equal("0:0:0:0:0:0", await counts.ExecuteScalarAsync());

        await using var restarted = BinaryRun.Start("dixie-bff", environment);
        await ServiceBinaryTests.WaitUntilReadyAsync(client, restarted, port);
        using var response = await client.PostAsync($"http://127.0.0.1:{port}/api/reputation/events",
            new StringContent(batch.ToJsonString(), Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(3, (await response.JsonAsync()).GetProperty("accepted").GetInt32());
    }
}
