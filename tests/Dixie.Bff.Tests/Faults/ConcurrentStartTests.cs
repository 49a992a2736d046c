using System.Net;
using Dixie.Bff.Data;
using Dixie.Bff.Infrastructure.Logging;
using Dixie.Bff.Tests.Infrastructure;
using Dixie.Bff.Tests.Support;
using Npgsql;

namespace Dixie.Bff.Tests.Faults;

/// <summary>
/// Spec 13 F7: four instances started together on an empty database. The advisory lock (tested on
/// its own in Data/MigrationLockTests) must leave every migration applied once, and every instance ready.
/// </summary>
[Trait("Category", "Faults")]
public sealed class ConcurrentStartTests
{
    private const int Instances = 4;

    [Fact]
    public async Task Four_instances_on_an_empty_database_apply_each_migration_once_and_all_become_ready()
    {
        var databaseUrl = await (await SharedServers.GetAsync()).Postgres.CreateDatabaseAsync();
        var starting = Enumerable.Range(0, Instances).Select(_ => DixieHost.StartAsync(new DixieHostOptions { DatabaseUrl = databaseUrl })).ToList();
        try
        {
            var hosts = await Task.WhenAll(starting);

            foreach (var host in hosts)
                Assert.Equal(HttpStatusCode.OK, (await host.Client.GetAsync("/healthz/ready")).StatusCode);

            var expected = MigrationCatalog.Load().UpFiles.Select(f => f.FileName).Order(StringComparer.Ordinal).ToList();
            Assert.Equal(expected, await RecordedAsync(databaseUrl));
            // Exactly one instance ran each file; the others found them applied.
            var applied = hosts.SelectMany(h => h.Logs.Events(LogEvents.MigrationApplied)).Select(e => e.String("filename") ?? e.Message).ToList();
            Assert.Equal(expected.Count, applied.Count);
        }
        finally
        {
            foreach (var host in starting)
            {
                if (host.IsCompletedSuccessfully) await (await host).DisposeAsync();
            }
        }
    }

    private static async Task<List<string>> RecordedAsync(string databaseUrl)
    {
        await using var connection = new NpgsqlConnection(databaseUrl);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT filename FROM _migrations ORDER BY filename", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var names = new List<string>();
        while (await reader.ReadAsync()) names.Add(reader.GetString(0));
        return names;
    }
}
