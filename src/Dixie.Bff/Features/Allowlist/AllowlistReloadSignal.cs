using Dixie.Bff.Infrastructure.Outbox;
using Dixie.Bff.Infrastructure.Startup;
using Npgsql;

namespace Dixie.Bff.Features.Allowlist;

/// <summary>
/// `governance.allowlist_reloaded` for a change of the file picked up by a reload (spec 10 §2.2). The
/// dedup key is the hash of the file bytes, so every instance that reloads the same content, and the
/// instance whose admin write produced it, together leave one signal.
/// </summary>
public sealed class AllowlistReloadSignal(NpgsqlDataSource dataSource, OutboxWriter outbox, StartupState startup,
    ILogger<AllowlistReloadSignal> logger)
{
    public async Task RecordAsync(byte[] fileBytes, AllowlistSnapshot snapshot, CancellationToken ct)
    {
        // Before migrations there is no outbox table to write to.
        if (!startup.IsMigrated) return;
        var signal = new AllowlistChangedSignal
        {
            Action = GovernanceAction.AllowlistReloaded,
            Actor = GovernanceActor.File,
            EntryKind = null,
            EntryHash = null,
            WalletCount = snapshot.WalletCount,
            ApiKeyCount = snapshot.ApiKeyCount,
            AuditEntryId = null,
        };
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync(ct);
            await using var transaction = await connection.BeginTransactionAsync(ct);
            await outbox.AddAsync(connection, transaction, signal, SignalDedupKeys.Governance(fileBytes), ct);
            await transaction.CommitAsync(ct);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            // The new list is in force either way; only the notification is lost (spec 10 §2.2's known gap).
            AllowlistLog.SignalFailed(logger, e.GetType().Name);
        }
    }
}
