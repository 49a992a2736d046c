using System.Text.Json.Nodes;
using Npgsql;
using NpgsqlTypes;

namespace Dixie.Bff.Features.Reputation;

/// <summary>An aggregate as read for a write: its JSON and the version the write is conditional on.</summary>
public sealed record StoredAggregate(string NftId, JsonObject Data, int Version);

/// <summary>A write lost to a writer that skipped the population lock; the transaction is retried once.</summary>
public sealed class LostUpdateException(string nftId) : Exception($"Aggregate {nftId} changed under the write");

/// <summary>
/// The statements every reputation writer shares (ingest and rebuild `--apply`), all on the caller's
/// connection and transaction. The population lock comes first, always (spec 06 §7.3).
/// </summary>
public static class ReputationRows
{
    private const string LockPopulationSql = "SELECT count, mean, m2 FROM reputation_population WHERE id = 1 FOR UPDATE";

    private const string ReadAggregatesSql = """
        SELECT nft_id, data::text, version FROM reputation_aggregates
        WHERE nft_id = ANY(@ids) ORDER BY nft_id FOR UPDATE
        """;

    private const string InsertAggregateSql = """
        INSERT INTO reputation_aggregates (nft_id, state, blended_score, sample_count, data, version)
        VALUES (@nft_id, @state, @blended_score, @sample_count, @data, @version)
        """;

    private const string UpdateAggregateSql = """
        UPDATE reputation_aggregates
        SET state = @state, blended_score = @blended_score, sample_count = @sample_count, data = @data,
            version = @version, updated_at = now()
        WHERE nft_id = @nft_id AND version = @read_version
        """;

    internal const string UpsertCohortSql = """
        INSERT INTO reputation_task_cohorts (nft_id, model_id, task_type, data)
        VALUES (@nft_id, @model_id, @task_type, @data)
        ON CONFLICT (nft_id, model_id, task_type) DO UPDATE SET data = excluded.data, updated_at = now()
        """;

    internal const string WritePopulationSql = """
        UPDATE reputation_population SET count = @count, mean = @mean, m2 = @m2, updated_at = now() WHERE id = 1
        """;

    public static async Task<PopulationStats> LockPopulationAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(LockPopulationSql, connection, transaction);
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct)) throw new InvalidOperationException("reputation_population has no row; migration 017 did not run");
        return new PopulationStats(reader.GetInt64(0), reader.GetDouble(1), reader.GetDouble(2));
    }

    public static async Task<Dictionary<string, StoredAggregate>> ReadForUpdateAsync(NpgsqlConnection connection, NpgsqlTransaction transaction,
        IReadOnlyCollection<string> nftIds, CancellationToken ct)
    {
        var result = new Dictionary<string, StoredAggregate>(StringComparer.Ordinal);
        await using var command = new NpgsqlCommand(ReadAggregatesSql, connection, transaction);
        command.Parameters.AddWithValue("ids", nftIds.ToArray());
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var data = JsonNode.Parse(reader.GetString(1)) as JsonObject ?? [];
            result[reader.GetString(0)] = new StoredAggregate(reader.GetString(0), data, reader.GetInt32(2));
        }
        return result;
    }

    /// <summary>Inserts (<paramref name="readVersion"/> null) or updates conditionally on the version read.</summary>
    /// <exception cref="LostUpdateException">The row's version moved since it was read.</exception>
    public static async Task WriteAggregateAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string nftId,
        JsonObject data, int? readVersion, int newVersion, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(AggregateSql(readVersion), connection, transaction);
        FillAggregate(command.Parameters, nftId, data, readVersion, newVersion);
        if (await command.ExecuteNonQueryAsync(ct) != 1) throw new LostUpdateException(nftId);
    }

    internal static string AggregateSql(int? readVersion) => readVersion is null ? InsertAggregateSql : UpdateAggregateSql;

    internal static void FillAggregate(NpgsqlParameterCollection parameters, string nftId, JsonObject data, int? readVersion, int newVersion)
    {
        parameters.AddWithValue("nft_id", nftId);
        parameters.AddWithValue("state", AggregateJson.Text(data["state"]) ?? "cold");
        parameters.AddWithValue("blended_score", NpgsqlDbType.Numeric, LiftedBlendedScore(data));
        parameters.AddWithValue("sample_count", (int)(AggregateJson.Number(data["sample_count"]) ?? 0));
        parameters.AddWithValue("data", NpgsqlDbType.Jsonb, data.ToJsonString());
        parameters.AddWithValue("version", newVersion);
        if (readVersion is { } read) parameters.AddWithValue("read_version", read);
    }

    /// <summary>The NUMERIC(6,4) copy of `data.blended_score` (reads never use it).</summary>
    public static decimal LiftedBlendedScore(JsonObject data) =>
        AggregateJson.Number(data["blended_score"]) is { } b && double.IsFinite(b) && Math.Abs(b) < 100
            ? Math.Round((decimal)b, 4, MidpointRounding.AwayFromZero)
            : 0m;

    public static async Task UpsertCohortAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string nftId, JsonObject cohort, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(UpsertCohortSql, connection, transaction);
        FillCohort(command.Parameters, nftId, cohort);
        await command.ExecuteNonQueryAsync(ct);
    }

    internal static void FillCohort(NpgsqlParameterCollection parameters, string nftId, JsonObject cohort)
    {
        parameters.AddWithValue("nft_id", nftId);
        parameters.AddWithValue("model_id", AggregateJson.Text(cohort["model_id"]) ?? "");
        parameters.AddWithValue("task_type", AggregateJson.Text(cohort["task_type"]) ?? "");
        parameters.AddWithValue("data", NpgsqlDbType.Jsonb, cohort.ToJsonString());
    }

    public static async Task WritePopulationAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, PopulationStats population, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(WritePopulationSql, connection, transaction);
        FillPopulation(command.Parameters, population);
        await command.ExecuteNonQueryAsync(ct);
    }

    internal static void FillPopulation(NpgsqlParameterCollection parameters, PopulationStats population)
    {
        parameters.AddWithValue("count", population.Count);
        parameters.AddWithValue("mean", population.Mean);
        parameters.AddWithValue("m2", population.M2);
    }
}
