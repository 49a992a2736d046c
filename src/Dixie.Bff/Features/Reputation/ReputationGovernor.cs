using Dixie.Bff.Features.Governance;
using Npgsql;

namespace Dixie.Bff.Features.Reputation;

/// <summary>
/// The `reputation` governor (spec 08 §1.2–§1.3): counts from the live tables and the invariants INV-013,
/// REP-001 and REP-002, each one SQL aggregate naming at most five offenders.
/// </summary>
public sealed class ReputationGovernor(NpgsqlDataSource dataSource) : IGovernor
{
    private const int CommandTimeoutSeconds = 2;

    private const string CountsSql = """
        SELECT (SELECT count(*) FROM reputation_aggregates),
               (SELECT count(*) FROM reputation_aggregates WHERE updated_at < now() - interval '30 days'),
               (SELECT COALESCE(max(id), 0) FROM reputation_events)
        """;

    // Values from data; a missing k reads 10 and a missing c 0.5 (spec 08 §1.3).
    private const string Inv013Sql = """
        WITH v AS (
            SELECT nft_id,
                   CASE WHEN jsonb_typeof(data->'blended_score') = 'number' THEN (data->>'blended_score')::float8 END AS b,
                   CASE WHEN jsonb_typeof(data->'personal_score') = 'number' THEN (data->>'personal_score')::float8 END AS p,
                   COALESCE(CASE WHEN jsonb_typeof(data->'collection_score') = 'number' THEN (data->>'collection_score')::float8 END, 0.5) AS c,
                   COALESCE(CASE WHEN jsonb_typeof(data->'pseudo_count') = 'number' THEN (data->>'pseudo_count')::float8 END, 10) AS k,
                   COALESCE(CASE WHEN jsonb_typeof(data->'sample_count') = 'number' THEN (data->>'sample_count')::float8 END, 0) AS n
            FROM reputation_aggregates)
        SELECT nft_id, count(*) OVER () FROM v
        WHERE b IS NULL OR abs(b - CASE WHEN p IS NULL THEN c ELSE (k * c + n * p) / NULLIF(k + n, 0) END) > 1e-9
        ORDER BY nft_id LIMIT 5
        """;

    private const string Rep001Sql = """
        WITH v AS (
            SELECT 'aggregate ' || nft_id AS item, data->'sample_count' AS n FROM reputation_aggregates
            UNION ALL
            SELECT 'cohort ' || nft_id || '/' || model_id || '/' || task_type, data->'sample_count' FROM reputation_task_cohorts)
        SELECT item, count(*) OVER () FROM v
        WHERE n IS NULL OR jsonb_typeof(n) <> 'number' OR (n #>> '{}')::numeric < 0
           OR (n #>> '{}')::numeric <> trunc((n #>> '{}')::numeric)
        ORDER BY item LIMIT 5
        """;

    private const string Rep002Sql = """
        SELECT p.count, p.seed_count + (SELECT count(*) FROM reputation_events e
                                        WHERE e.id > p.legacy_event_max_id
                                          AND e.event_type IN ('quality_signal', 'model_performance'))
        FROM reputation_population p WHERE p.id = 1
        """;

    public string ResourceType => "reputation";

    public async Task<GovernorCheck> CheckAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        long total, stale, version;
        await using (var counts = Command(connection, CountsSql))
        await using (var reader = await counts.ExecuteReaderAsync(cancellationToken))
        {
            await reader.ReadAsync(cancellationToken);
            (total, stale, version) = (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2));
        }
        var inv013 = await OffendersAsync(connection, Inv013Sql, cancellationToken);
        var rep001 = await OffendersAsync(connection, Rep001Sql, cancellationToken);
        var (count, expected) = await PopulationCountsAsync(connection, cancellationToken);
        return new GovernorCheck(total, stale, version,
        [
            new InvariantResult("INV-013", "blended score is derivable from personal score, collection score, sample count and pseudo count",
                inv013.Count == 0, inv013.Count == 0 ? $"{total} aggregates checked" : Describe(inv013)),
            new InvariantResult("REP-001", "sample counts are non-negative integers",
                rep001.Count == 0, rep001.Count == 0 ? "aggregates and cohorts checked" : Describe(rep001)),
            new InvariantResult("REP-002", "population count equals the number of score-changing events",
                count == expected, $"population count {count}, expected {expected}"),
        ]);
    }

    private static async Task<(long Count, List<string> Offenders)> OffendersAsync(NpgsqlConnection connection, string sql, CancellationToken ct)
    {
        var offenders = new List<string>();
        long count = 0;
        await using var command = Command(connection, sql);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            offenders.Add(reader.GetString(0));
            count = reader.GetInt64(1);
        }
        return (count, offenders);
    }

    private static async Task<(long? Count, long? Expected)> PopulationCountsAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        await using var command = Command(connection, Rep002Sql);
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? (reader.GetInt64(0), reader.GetInt64(1)) : (null, 0);
    }

    private static string Describe((long Count, List<string> Offenders) found) =>
        $"{found.Count} offending: {string.Join(", ", found.Offenders)}";

    private static NpgsqlCommand Command(NpgsqlConnection connection, string sql) =>
        new(sql, connection) { CommandTimeout = CommandTimeoutSeconds };
}
