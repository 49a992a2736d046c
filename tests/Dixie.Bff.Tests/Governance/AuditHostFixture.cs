using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Dixie.Bff.Features.Governance.Audit;
using Dixie.Bff.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Dixie.Bff.Tests.Governance;

/// <summary>
/// One migrated dixie-bff for the audit suites. Its append hook plays the writer that skips the
/// chain lock, for chains a test arms with <see cref="ForceLosses"/>; `/test/audited-write` is a
/// business write followed by its audit entry in one transaction.
/// </summary>
public sealed class AuditHostFixture : IAsyncLifetime
{
    private readonly ConcurrentDictionary<string, int> _forcedLosses = new(StringComparer.Ordinal);

    public DixieHost Host { get; private set; } = null!;
    public NpgsqlDataSource DataSource => Host.Get<NpgsqlDataSource>();
    public AuditTrail Trail => Host.Get<AuditTrail>();
    public AuditVerifier Verifier => Host.Get<AuditVerifier>();

    public async Task InitializeAsync()
    {
        Host = await DixieHost.StartAsync(new DixieHostOptions
        {
            ConfigureServices = services => services.AddSingleton(new AuditAppendHook(CompeteAsync)),
            MapExtra = MapTestEndpoints,
        });
        await using var command = DataSource.CreateCommand("CREATE TABLE audit_test_business (id uuid PRIMARY KEY, chain text NOT NULL)");
        await command.ExecuteNonQueryAsync();
    }

    public async Task DisposeAsync() => await Host.DisposeAsync();

    public static string NewChain() => "t" + Guid.NewGuid().ToString("N")[..12];

    /// <summary>The next <paramref name="count"/> appends on <paramref name="chain"/> lose the race once each.</summary>
    public void ForceLosses(string chain, int count) => _forcedLosses[chain] = count;

    public async Task<IReadOnlyList<AuditEntry>> AppendAsync(string chain, params AuditRecord[] records)
    {
        await using var connection = await DataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        var entries = await Trail.AppendAsync(connection, transaction, chain, records, CancellationToken.None);
        await transaction.CommitAsync();
        return entries;
    }

    public async Task<long> CountAsync(string sql, string chain)
    {
        await using var command = DataSource.CreateCommand(sql);
        command.Parameters.AddWithValue("chain", chain);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    public async Task ExecuteAsync(string sql, params (string Name, object Value)[] parameters)
    {
        await using var command = DataSource.CreateCommand(sql);
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Inserts a correctly hashed entry on its own connection, as a lock-free writer would.</summary>
    public async Task InsertCompetingEntryAsync(string chain, string previousHash)
    {
        var content = new AuditContent(Guid.CreateVersion7().ToString(), AuditTimestamp.Format(DateTimeOffset.UtcNow), "test.race.won");
        var tag = AuditHash.DomainTag(chain);
        await using var connection = new NpgsqlConnection(Host.Environment["DATABASE_URL"]);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            INSERT INTO audit_entries (entry_id, resource_type, "timestamp", event_type, entry_hash, previous_hash, hash_domain_tag, created_at)
            VALUES (@id::uuid, @chain, @ts::timestamptz, @event, @hash, @previous, @tag, clock_timestamp())
            """, connection);
        command.Parameters.AddWithValue("id", content.EntryId);
        command.Parameters.AddWithValue("chain", chain);
        command.Parameters.AddWithValue("ts", content.Timestamp);
        command.Parameters.AddWithValue("event", content.EventType);
        command.Parameters.AddWithValue("hash", AuditHash.EntryHash(content, previousHash, tag));
        command.Parameters.AddWithValue("previous", previousHash);
        command.Parameters.AddWithValue("tag", tag);
        await command.ExecuteNonQueryAsync();
    }

    private async Task CompeteAsync(string chain, string previousHash, CancellationToken ct)
    {
        if (_forcedLosses.TryGetValue(chain, out var left) && left > 0 && _forcedLosses.TryUpdate(chain, left - 1, left))
            await InsertCompetingEntryAsync(chain, previousHash);
    }

    private static void MapTestEndpoints(IEndpointRouteBuilder app)
    {
        // Outside /api so no gate or admin key stands in front of it.
        app.MapPost("/test/audited-write", async (string chain, NpgsqlDataSource dataSource, AuditTrail trail, CancellationToken ct) =>
        {
            await using var connection = await dataSource.OpenConnectionAsync(ct);
            await using var transaction = await connection.BeginTransactionAsync(ct);
            await using (var insert = new NpgsqlCommand("INSERT INTO audit_test_business (id, chain) VALUES (@id, @chain)", connection, transaction))
            {
                insert.Parameters.AddWithValue("id", Guid.NewGuid());
                insert.Parameters.AddWithValue("chain", chain);
                await insert.ExecuteNonQueryAsync(ct);
            }
            await trail.AppendAsync(connection, transaction, chain, "test.business.written", "admin", new JsonObject { ["chain"] = chain }, ct);
            await transaction.CommitAsync(ct);
            return TypedResults.Ok();
        });
    }
}
