using Dixie.Bff.Features.Agents.Conviction;
using Dixie.Bff.Features.Auth;
using Dixie.Bff.Features.Governance.Audit;
using Dixie.Bff.Features.Governance.Mutations;
using Dixie.Bff.Infrastructure.Configuration;
using Dixie.Bff.Infrastructure.Outbox;
using Npgsql;

namespace Dixie.Bff.Features.Allowlist;

public enum AllowlistChangeOutcome
{
    Changed,
    /// <summary>Adding an entry that is already listed: nothing written, nothing audited.</summary>
    AlreadyPresent,
    NotFound,
    /// <summary>Another writer held the locks for the whole wait: 503 `allowlist_busy`.</summary>
    Busy,
    /// <summary>The file on disk is malformed; a change cannot be applied to it without losing what it holds.</summary>
    FileMalformed,
    /// <summary>The commit failed; the previous file content was put back: 503 `database_unavailable`.</summary>
    CommitFailed,
}

/// <param name="Document">The allowlist after the call, for the response view.</param>
public sealed record AllowlistChangeResult(AllowlistChangeOutcome Outcome, AllowlistDocument Document);

/// <summary>
/// The admin writes of spec 04 §5.4 and §7.4. One change at a time per instance (in-process lock)
/// and across instances (`&lt;path&gt;.lock`); the file is re-read under the locks so no other
/// instance's change is lost. The audit entry, mutation row and signal are written in one
/// transaction that commits only after the file has been replaced; a failed commit puts the old
/// content back, a failed file write rolls the transaction back.
/// </summary>
public sealed class AllowlistStore(
    DixieConfig config,
    AllowlistOptions options,
    AllowlistReloader reloader,
    NpgsqlDataSource dataSource,
    AuditTrail audit,
    MutationLog mutations,
    OutboxWriter outbox,
    RevocationStore revocations,
    ConvictionResolver conviction,
    TimeProvider clock,
    ILogger<AllowlistStore> logger,
    AllowlistWriteHook? hook = null) : IDisposable
{
    public const string ResourceType = "allowlist";
    public const string Actor = "admin";

    private readonly string _path = config.Access.AllowlistPath;
    private readonly SemaphoreSlim _writeLock = new(1, 1);

    public Task<AllowlistChangeResult> AddAsync(AllowlistEntry entry, CancellationToken ct) =>
        ChangeAsync(entry, GovernanceAction.AllowlistEntryAdded, ct);

    public Task<AllowlistChangeResult> RemoveAsync(AllowlistEntry entry, CancellationToken ct) =>
        ChangeAsync(entry, GovernanceAction.AllowlistEntryRemoved, ct);

    public void Dispose() => _writeLock.Dispose();

    private async Task<AllowlistChangeResult> ChangeAsync(AllowlistEntry entry, GovernanceAction action, CancellationToken ct)
    {
        AllowlistChangeResult result;
        // Real time: the lock wait is a mechanism, not a rule a test clock should govern.
        var deadline = TimeProvider.System.GetUtcNow() + options.LockTimeout;
        if (!await _writeLock.WaitAsync(options.LockTimeout, ct)) return new(AllowlistChangeOutcome.Busy, reloader.Document);
        try
        {
            using var fileLock = await AllowlistFileLock.TryAcquireAsync(_path, deadline, ct);
            if (fileLock is null) return new(AllowlistChangeOutcome.Busy, reloader.Document);
            result = await ChangeLockedAsync(entry, action, ct);
        }
        finally
        {
            _writeLock.Release();
        }
        if (result.Outcome == AllowlistChangeOutcome.Changed)
        {
            AllowlistLog.Changed(logger, SignalJson.EnumName(action), SignalJson.EnumName(entry.Kind), entry.Hash);
            if (entry is AllowlistEntry.Wallet wallet)
            {
                // Either way the cached tier is stale: a listed wallet falls back to architect, a removed one must not.
                await conviction.InvalidateAsync(wallet.Checksummed);
                if (action == GovernanceAction.AllowlistEntryRemoved) await AfterWalletRemovedAsync(wallet.Checksummed);
            }
        }
        return result;
    }

    private async Task<AllowlistChangeResult> ChangeLockedAsync(AllowlistEntry entry, GovernanceAction action, CancellationToken ct)
    {
        // Re-read under the locks: another instance may have changed the file since this one loaded it.
        var read = AllowlistFile.Read(_path);
        if (read is AllowlistRead.Malformed) return new(AllowlistChangeOutcome.FileMalformed, reloader.Document);
        var (document, previousBytes) = read is AllowlistRead.Valid valid ? (valid.Document, valid.Bytes) : (AllowlistDocument.Empty(), null);

        var added = action == GovernanceAction.AllowlistEntryAdded;
        var edited = (added, entry) switch
        {
            (true, AllowlistEntry.Wallet w) => document.ContainsWallet(w.Checksummed) ? null : document.WithWallet(w.Checksummed),
            (true, AllowlistEntry.ApiKey k) => document.ContainsApiKey(k.Stored.Digest) ? null : document.WithApiKey(k.Stored),
            (false, AllowlistEntry.Wallet w) => document.WithoutWallet(w.Checksummed),
            (false, AllowlistEntry.ApiKey k) => document.WithoutApiKey(k.Stored.Digest),
            _ => throw new InvalidOperationException(),
        };
        if (edited is null) return new(added ? AllowlistChangeOutcome.AlreadyPresent : AllowlistChangeOutcome.NotFound, document);

        edited = edited.WithUpdatedAt(clock.GetUtcNow());
        var bytes = edited.Serialize();
        var committed = await WriteAndCommitAsync(entry, action, edited, bytes, previousBytes, ct);
        return new(committed ? AllowlistChangeOutcome.Changed : AllowlistChangeOutcome.CommitFailed, committed ? edited : document);
    }

    private async Task<bool> WriteAndCommitAsync(AllowlistEntry entry, GovernanceAction action, AllowlistDocument edited,
        byte[] bytes, byte[]? previousBytes, CancellationToken ct)
    {
        var eventType = action == GovernanceAction.AllowlistEntryAdded ? "allowlist.entry.added" : "allowlist.entry.removed";
        var payload = entry.AuditPayload(edited.Version);
        var snapshot = edited.ToSnapshot(AllowlistFile.ContentHash(bytes));

        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var auditEntry = await audit.AppendAsync(connection, transaction, ResourceType, eventType, Actor, payload, ct);
        await mutations.RecordAsync(connection, transaction, new Mutation(ResourceType, eventType, Actor, payload.DeepClone().AsObject()), ct);
        var signal = new AllowlistChangedSignal
        {
            Action = action,
            Actor = GovernanceActor.Admin,
            EntryKind = entry.Kind,
            EntryHash = entry.Hash,
            WalletCount = snapshot.WalletCount,
            ApiKeyCount = snapshot.ApiKeyCount,
            AuditEntryId = auditEntry.EntryId,
        };
        // Keyed by the new file's bytes: instances that reload this content add no second signal.
        await outbox.AddAsync(connection, transaction, signal, SignalDedupKeys.Governance(bytes), ct);

        // From here on the request's cancellation no longer applies: file and database must end up agreeing.
        using (await reloader.HoldAsync(CancellationToken.None))
        {
            try
            {
                if (hook is not null) await hook.AtAsync(AllowlistWriteStage.BeforeFileWrite, connection);
                AllowlistFile.Replace(_path, bytes);
            }
            catch
            {
                await transaction.RollbackAsync(CancellationToken.None);
                throw;
            }
            try
            {
                if (hook is not null) await hook.AtAsync(AllowlistWriteStage.BeforeCommit, connection);
                await transaction.CommitAsync(CancellationToken.None);
            }
            catch (Exception)
            {
                // The change must not stay in force without its audit entry.
                AllowlistFile.Restore(_path, previousBytes);
                return false;
            }
            reloader.InstallWritten(edited, bytes);
        }
        return true;
    }

    /// <summary>
    /// What must follow a committed wallet removal (spec 04 §7.4), once the locks are released.
    /// </summary>
    private async Task AfterWalletRemovedAsync(string wallet)
    {
        // Every outstanding token of the wallet fails on every instance at once (spec 04 §4.5);
        // the store queues the write when Redis is away.
        await revocations.RevokeWalletAsync(wallet, CancellationToken.None);
    }
}

public enum AllowlistWriteStage
{
    BeforeFileWrite,
    BeforeCommit,
}

/// <summary>
/// Test seam: runs at the named points of an admin write, inside its transaction, so a test can
/// make the file write or the commit fail for real. Not registered in production.
/// </summary>
public sealed class AllowlistWriteHook(Func<AllowlistWriteStage, NpgsqlConnection, Task> at)
{
    public Task AtAsync(AllowlistWriteStage stage, NpgsqlConnection connection) => at(stage, connection);
}
