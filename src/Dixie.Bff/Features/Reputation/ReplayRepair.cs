using System.Text.Json.Nodes;
using Dixie.Bff.Features.Governance.Audit;
using Dixie.Bff.Features.Governance.Mutations;
using Npgsql;
using NpgsqlTypes;

namespace Dixie.Bff.Features.Reputation;

/// <summary>
/// Rebuild `--apply` (spec 06 §10.5): overwrites differing aggregates and cohort rows with the replayed
/// ones inside the caller's transaction, which already holds the population lock. An unexpected
/// aggregate (no baseline, no events) is reported and never deleted.
/// </summary>
public sealed class ReplayRepair(AuditTrail audit, MutationLog mutations)
{
    private const string UpsertAggregateSql = """
        INSERT INTO reputation_aggregates (nft_id, state, blended_score, sample_count, data, version)
        VALUES (@nft_id, @state, @blended_score, @sample_count, @data, 0)
        ON CONFLICT (nft_id) DO UPDATE SET state = excluded.state, blended_score = excluded.blended_score,
            sample_count = excluded.sample_count, data = excluded.data,
            version = reputation_aggregates.version + 1, updated_at = now()
        """;

    private const string DeleteCohortsSql = "DELETE FROM reputation_task_cohorts WHERE nft_id = @nft_id";

    /// <summary>Returns whether anything was written.</summary>
    public async Task<bool> ApplyAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<RebuildDifference> differences,
        IReadOnlyDictionary<string, JsonObject> replayed, PopulationStats? population, CancellationToken ct)
    {
        var repaired = differences.Where(d => d.Kind is "field" or "missing_aggregate" or "cohort" && d.NftId is not null)
            .GroupBy(d => d.NftId!, StringComparer.Ordinal)
            .ToList();
        var repairPopulation = population is not null && differences.Any(d => d.Kind == "population");
        if (repaired.Count == 0 && !repairPopulation) return false;

        var records = new List<AuditRecord>();
        foreach (var agent in repaired)
        {
            var data = replayed[agent.Key];
            await UpsertAsync(connection, transaction, agent.Key, data, ct);
            await ReplaceCohortsAsync(connection, transaction, agent.Key, data, ct);
            var fields = new JsonArray([.. agent.Select(d => (JsonNode?)(d.Field ?? d.Kind)).Distinct()]);
            records.Add(new AuditRecord("reputation.aggregate.rebuilt", ReputationIngest.Actor, new JsonObject { ["nft_id"] = agent.Key, ["fields"] = fields }));
        }
        if (repairPopulation) await ReputationRows.WritePopulationAsync(connection, transaction, population!.Value, ct);

        var payload = new JsonObject
        {
            ["nft_ids"] = new JsonArray([.. repaired.Select(a => (JsonNode?)a.Key)]),
            ["population"] = repairPopulation,
        };
        await mutations.RecordAsync(connection, transaction, new Mutation(ReputationIngest.Chain, "reputation.aggregates.rebuilt", ReputationIngest.Actor, payload), ct);
        await audit.AppendAsync(connection, transaction, ReputationIngest.Chain, records, ct);
        return true;
    }

    private static async Task UpsertAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string nftId, JsonObject data, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(UpsertAggregateSql, connection, transaction);
        command.Parameters.AddWithValue("nft_id", nftId);
        command.Parameters.AddWithValue("state", AggregateJson.Text(data["state"]) ?? "cold");
        command.Parameters.AddWithValue("blended_score", NpgsqlDbType.Numeric, ReputationRows.LiftedBlendedScore(data));
        command.Parameters.AddWithValue("sample_count", (int)(AggregateJson.Number(data["sample_count"]) ?? 0));
        command.Parameters.AddWithValue("data", NpgsqlDbType.Jsonb, data.ToJsonString());
        await command.ExecuteNonQueryAsync(ct);
    }

    private static async Task ReplaceCohortsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string nftId, JsonObject data, CancellationToken ct)
    {
        await using (var delete = new NpgsqlCommand(DeleteCohortsSql, connection, transaction))
        {
            delete.Parameters.AddWithValue("nft_id", nftId);
            await delete.ExecuteNonQueryAsync(ct);
        }
        foreach (var cohort in (data["task_cohorts"] as JsonArray ?? []).OfType<JsonObject>())
            await ReputationRows.UpsertCohortAsync(connection, transaction, nftId, cohort, ct);
    }
}
