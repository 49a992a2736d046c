using System.Data;
using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Npgsql;

namespace Dixie.Bff.Features.Reputation;

/// <summary>
/// Replay (spec 06 §10): start from the adoption baselines and seed, fold every event of this service in
/// global id order with the live fold, and compare with what is stored. `apply` repairs under the
/// population lock, so ingest waits until the repair commits.
/// </summary>
public sealed class ReputationReplay(NpgsqlDataSource dataSource, ReplayRepair repair, ScoreCache cache, ReputationLog log)
{
    private const string BaseSql = "SELECT seed_count, seed_mean, seed_m2, legacy_event_max_id, count, mean, m2 FROM reputation_population WHERE id = 1";
    private const string BaselinesSql = "SELECT nft_id, data::text FROM reputation_baselines";
    private const string EventsSql = "SELECT data::text FROM reputation_events WHERE id > @boundary ORDER BY id";
    private const string AggregatesSql = "SELECT nft_id, data::text, state, blended_score, sample_count FROM reputation_aggregates";
    private const string CohortsSql = "SELECT nft_id, model_id, task_type, data::text FROM reputation_task_cohorts";

    public async Task<RebuildReport> RunAsync(string? nftId, bool apply, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        // Repeatable read gives a report one snapshot; with apply, the population lock keeps writers out as well.
        await using var transaction = await connection.BeginTransactionAsync(apply ? IsolationLevel.ReadCommitted : IsolationLevel.RepeatableRead, ct);
        if (apply) await ReputationRows.LockPopulationAsync(connection, transaction, ct);

        var (seed, boundary, stored) = await ReadBaseAsync(connection, transaction, ct);
        var aggregates = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
        await foreach (var (id, data) in ReadPairsAsync(connection, transaction, BaselinesSql, null, ct))
            aggregates[id!] = JsonNode.Parse(data) as JsonObject ?? [];

        var population = seed;
        var written = new HashSet<string>(StringComparer.Ordinal);
        long replayed = 0;
        await foreach (var (_, data) in ReadPairsAsync(connection, transaction, EventsSql, boundary, ct))
        {
            using var document = JsonDocument.Parse(data);
            if (ReputationEventParser.Parse(document.RootElement, now: null).Event is not { } ev) continue;
            var result = ReputationFold.Apply(aggregates.GetValueOrDefault(ev.AgentId), ev, population);
            aggregates[ev.AgentId] = result.Aggregate;
            written.Add(ev.AgentId);
            population = result.Population;
            replayed++;
        }

        var comparison = await CompareAsync(connection, transaction, aggregates, written, nftId, ct);
        if (nftId is null && population != stored)
        {
            comparison.Differences.Add(new RebuildDifference(null, "population", "count,mean,m2",
                PopulationJson(stored), PopulationJson(population)));
        }

        var applied = false;
        if (apply)
        {
            applied = await repair.ApplyAsync(connection, transaction, comparison.Differences, aggregates, nftId is null ? population : null, ct);
            await transaction.CommitAsync(ct);
            if (nftId is null) cache.Clear();
            else cache.Invalidate([nftId]);
        }
        var report = new RebuildReport(replayed, comparison.AgentsChecked, comparison.Differences, applied);
        log.Rebuild(replayed, comparison.AgentsChecked, comparison.Differences.Count, applied, (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        return report;
    }

    private static async Task<Comparison> CompareAsync(NpgsqlConnection connection, NpgsqlTransaction transaction,
        Dictionary<string, JsonObject> replayed, HashSet<string> written, string? nftId, CancellationToken ct)
    {
        var stored = new Dictionary<string, (JsonObject Data, string State, decimal Blended, int SampleCount)>(StringComparer.Ordinal);
        await using (var command = new NpgsqlCommand(AggregatesSql, connection, transaction))
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
                stored[reader.GetString(0)] = (JsonNode.Parse(reader.GetString(1)) as JsonObject ?? [], reader.GetString(2), reader.GetDecimal(3), reader.GetInt32(4));
        }
        var cohortRows = new Dictionary<string, Dictionary<(string, string), JsonNode?>>(StringComparer.Ordinal);
        await using (var command = new NpgsqlCommand(CohortsSql, connection, transaction))
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                if (!cohortRows.TryGetValue(reader.GetString(0), out var rows)) cohortRows[reader.GetString(0)] = rows = [];
                rows[(reader.GetString(1), reader.GetString(2))] = JsonNode.Parse(reader.GetString(3));
            }
        }

        var agents = replayed.Keys.Union(stored.Keys, StringComparer.Ordinal).Where(id => nftId is null || id == nftId).Order(StringComparer.Ordinal).ToList();
        var differences = new List<RebuildDifference>();
        foreach (var id in agents)
        {
            var hasReplay = replayed.TryGetValue(id, out var expected);
            var hasStored = stored.TryGetValue(id, out var actual);
            if (!hasStored) { differences.Add(new RebuildDifference(id, "missing_aggregate")); continue; }
            if (!hasReplay) { differences.Add(new RebuildDifference(id, "unexpected_aggregate")); continue; }
            var roundTrip = JsonNode.Parse(expected!.ToJsonString())!.AsObject();
            foreach (var field in JsonSame.DifferingMembers(actual.Data, roundTrip))
                differences.Add(new RebuildDifference(id, "field", field, actual.Data[field]?.DeepClone(), roundTrip[field]?.DeepClone()));
            // An adopted aggregate without events keeps the columns the old service wrote; only ours must agree.
            if (written.Contains(id)) CompareColumns(id, actual.State, actual.Blended, actual.SampleCount, roundTrip, differences);
            CompareCohorts(id, cohortRows.GetValueOrDefault(id) ?? [], roundTrip, differences);
        }
        return new Comparison(agents.Count, differences);
    }

    private static void CompareColumns(string id, string state, decimal blended, int sampleCount, JsonObject expected, List<RebuildDifference> differences)
    {
        var expectedState = AggregateJson.Text(expected["state"]) ?? "cold";
        if (state != expectedState) differences.Add(new RebuildDifference(id, "field", "columns.state", state, expectedState));
        var expectedBlended = ReputationRows.LiftedBlendedScore(expected);
        if (blended != expectedBlended) differences.Add(new RebuildDifference(id, "field", "columns.blended_score", blended, expectedBlended));
        var expectedCount = (int)(AggregateJson.Number(expected["sample_count"]) ?? 0);
        if (sampleCount != expectedCount) differences.Add(new RebuildDifference(id, "field", "columns.sample_count", sampleCount, expectedCount));
    }

    private static void CompareCohorts(string id, Dictionary<(string, string), JsonNode?> rows, JsonObject expected, List<RebuildDifference> differences)
    {
        var wanted = (expected["task_cohorts"] as JsonArray ?? []).OfType<JsonObject>()
            .ToDictionary(c => (AggregateJson.Text(c["model_id"]) ?? "", AggregateJson.Text(c["task_type"]) ?? ""), c => (JsonNode?)c);
        foreach (var key in wanted.Keys.Union(rows.Keys).Order())
        {
            var row = rows.GetValueOrDefault(key);
            var cohort = wanted.GetValueOrDefault(key);
            if (!JsonSame.Equal(row, cohort))
                differences.Add(new RebuildDifference(id, "cohort", $"{key.Item1}/{key.Item2}", row?.DeepClone(), cohort?.DeepClone()));
        }
    }

    private static async Task<(PopulationStats Seed, long Boundary, PopulationStats Stored)> ReadBaseAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(BaseSql, connection, transaction);
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct)) throw new InvalidOperationException("reputation_population has no row; migration 017 did not run");
        return (new PopulationStats(reader.GetInt64(0), reader.GetDouble(1), reader.GetDouble(2)), reader.GetInt64(3),
            new PopulationStats(reader.GetInt64(4), reader.GetDouble(5), reader.GetDouble(6)));
    }

    private static async IAsyncEnumerable<(string? Id, string Data)> ReadPairsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction,
        string sql, long? boundary, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        if (boundary is { } b) command.Parameters.AddWithValue("boundary", b);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var single = reader.FieldCount == 1;
        while (await reader.ReadAsync(ct)) yield return single ? (null, reader.GetString(0)) : (reader.GetString(0), reader.GetString(1));
    }

    private static JsonObject PopulationJson(PopulationStats population) =>
        new() { ["count"] = population.Count, ["mean"] = population.Mean, ["m2"] = population.M2 };

    private sealed record Comparison(int AgentsChecked, List<RebuildDifference> Differences);
}
