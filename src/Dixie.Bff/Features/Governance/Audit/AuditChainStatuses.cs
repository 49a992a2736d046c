using System.Collections.Concurrent;

namespace Dixie.Bff.Features.Governance.Audit;

/// <summary>The latest verification of one chain, as AUD-001 and the audit governor read it (spec 08 §2.7).</summary>
public sealed record AuditChainStatus(
    string ResourceType, bool Valid, long EntriesChecked, string? Detail, Guid? VerifiedThrough, DateTimeOffset VerifiedAt)
{
    internal AuditCheckpoint? Checkpoint { get; init; }
}

/// <summary>Per-instance record of the chains' last verification; a chain turning invalid is logged once.</summary>
public sealed partial class AuditChainStatuses(TimeProvider clock, ILogger<AuditChainStatuses> logger)
{
    private readonly ConcurrentDictionary<string, AuditChainStatus> _statuses = new(StringComparer.Ordinal);

    public IReadOnlyList<AuditChainStatus> All => [.. _statuses.Values.OrderBy(s => s.ResourceType, StringComparer.Ordinal)];

    public AuditChainStatus? Get(string resourceType) => _statuses.GetValueOrDefault(resourceType);

    /// <summary>Replaces the chain's record with <paramref name="verification"/>.</summary>
    public AuditChainStatus Record(string resourceType, AuditVerification verification)
    {
        var status = new AuditChainStatus(resourceType, verification.Valid, verification.EntriesChecked, verification.Detail,
            verification.VerifiedThrough?.EntryId, clock.GetUtcNow())
        {
            Checkpoint = verification.VerifiedThrough,
        };
        var previous = _statuses.GetValueOrDefault(resourceType);
        _statuses[resourceType] = status;
        if (!verification.Valid && previous?.Valid != false)
            LogChainBroken(logger, resourceType, verification.BrokenEntryId?.ToString() ?? "-", verification.EntriesChecked - 1);
        return status;
    }

    [LoggerMessage(EventId = 800, EventName = Infrastructure.Logging.LogEvents.AuditChainBroken, Level = LogLevel.Error,
        Message = "Audit chain {ResourceType} broken at entry {EntryId} (index {Index})")]
    private static partial void LogChainBroken(ILogger logger, string resourceType, string entryId, long index);
}
