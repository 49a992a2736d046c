using System.Text.Json.Nodes;
using Npgsql;

namespace Dixie.Bff.Features.Reputation;

/// <summary>The read side: one score for the router, the population, and one agent's aggregate JSON.</summary>
public sealed class ReputationReads(NpgsqlDataSource dataSource)
{
    private const string ScoreSql = "SELECT data->'blended_score' FROM reputation_aggregates WHERE nft_id = @nft_id";
    private const string AggregateSql = "SELECT data::text FROM reputation_aggregates WHERE nft_id = @nft_id";
    private const string PopulationSql = """
        SELECT count, mean, m2, (SELECT count(*) FROM reputation_aggregates) FROM reputation_population WHERE id = 1
        """;

    /// <summary>`data.blended_score` at full precision; null for a missing row or anything that is not a JSON number.</summary>
    public async Task<double?> ReadScoreAsync(string nftId, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(ScoreSql);
        command.Parameters.AddWithValue("nft_id", nftId);
        var value = await command.ExecuteScalarAsync(ct);
        return value is string json ? AggregateJson.Number(JsonNode.Parse(json)) is { } score && double.IsFinite(score) ? score : null : null;
    }

    public async Task<JsonObject?> ReadAggregateAsync(string nftId, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(AggregateSql);
        command.Parameters.AddWithValue("nft_id", nftId);
        return await command.ExecuteScalarAsync(ct) is string json ? JsonNode.Parse(json) as JsonObject ?? [] : null;
    }

    public async Task<(PopulationStats Population, long StoreCount)> ReadPopulationAsync(CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(PopulationSql);
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct)) return (PopulationStats.Empty, 0);
        return (new PopulationStats(reader.GetInt64(0), reader.GetDouble(1), reader.GetDouble(2)), reader.GetInt64(3));
    }
}
