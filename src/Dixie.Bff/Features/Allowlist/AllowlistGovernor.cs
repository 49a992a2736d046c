using Dixie.Bff.Features.Governance;
using Npgsql;

namespace Dixie.Bff.Features.Allowlist;

/// <summary>
/// The `allowlist` governor (spec 08 §1.2–§1.3): entries in force, ALW-001 (unique entries, EIP-55
/// wallets) over the loaded document, ALW-002 (the last reload succeeded). The version is the length
/// of the `allowlist` audit chain: the file's own `version` is a format version.
/// </summary>
public sealed class AllowlistGovernor(AllowlistReloader reloader, CurrentAllowlist current, NpgsqlDataSource dataSource) : IGovernor
{
    private const string VersionSql = "SELECT count(*) FROM audit_entries WHERE resource_type = 'allowlist'";

    public string ResourceType => "allowlist";

    public async Task<GovernorCheck> CheckAsync(CancellationToken cancellationToken)
    {
        long version;
        await using (var command = dataSource.CreateCommand(VersionSql))
        {
            command.CommandTimeout = 2;
            version = (long)(await command.ExecuteScalarAsync(cancellationToken))!;
        }
        var snapshot = current.Snapshot;
        var problems = reloader.Document.UniquenessProblems();
        var failure = reloader.LastReloadFailure;
        return new GovernorCheck(snapshot.WalletCount + snapshot.ApiKeyCount, 0, version,
        [
            new InvariantResult("ALW-001", "entries are unique and wallets are EIP-55", problems.Count == 0,
                problems.Count == 0 ? $"{snapshot.WalletCount} wallets and {snapshot.ApiKeyCount} API keys checked" : string.Join("; ", problems.Take(5))),
            new InvariantResult("ALW-002", "the allowlist source loaded", failure is null,
                failure is null ? "last reload succeeded" : $"last reload failed, previous list kept: {failure}"),
        ]);
    }
}
