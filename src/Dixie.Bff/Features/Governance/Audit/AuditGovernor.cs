using Npgsql;

namespace Dixie.Bff.Features.Governance.Audit;

/// <summary>
/// The `audit` governor (spec 08 §1.2–§1.3): chains, chains with entries appended since their last
/// verification (stale), total entries, and AUD-001 from the background verifier's latest results.
/// </summary>
public sealed class AuditGovernor(NpgsqlDataSource dataSource, AuditChainStatuses statuses) : IGovernor
{
    // The tip of every chain and the total, in one statement.
    private const string ChainsSql = """
        SELECT tips.resource_type, tips.entry_id, (SELECT count(*) FROM audit_entries) AS total
        FROM (SELECT DISTINCT ON (resource_type) resource_type, entry_id
              FROM audit_entries ORDER BY resource_type, created_at DESC) AS tips
        """;

    public string ResourceType => "audit";

    public async Task<GovernorCheck> CheckAsync(CancellationToken cancellationToken)
    {
        var tips = new List<(string Chain, Guid Tip)>();
        long total = 0;
        await using (var command = dataSource.CreateCommand(ChainsSql))
        {
            command.CommandTimeout = 2;
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                tips.Add((reader.GetString(0), reader.GetGuid(1)));
                total = reader.GetInt64(2);
            }
        }
        var stale = tips.Count(t => statuses.Get(t.Chain)?.VerifiedThrough != t.Tip);
        var broken = tips.Select(t => statuses.Get(t.Chain)).Where(s => s is { Valid: false }).Select(s => s!).ToList();
        var detail = broken.Count == 0
            ? $"{tips.Count - stale} of {tips.Count} chains verified to their tip"
            : string.Join("; ", broken.Take(5).Select(s => $"{s.ResourceType}: {s.Detail ?? "invalid"}"));
        return new GovernorCheck(tips.Count, stale, total,
            [new InvariantResult("AUD-001", "every chain verifies", broken.Count == 0, detail)]);
    }
}
