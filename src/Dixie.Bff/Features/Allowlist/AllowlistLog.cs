using Dixie.Bff.Infrastructure.Logging;

namespace Dixie.Bff.Features.Allowlist;

/// <summary>The allowlist events of spec 10 §7. Counts and hashes only: never a wallet or a key.</summary>
internal static partial class AllowlistLog
{
    [LoggerMessage(EventId = 4100, EventName = LogEvents.AllowlistLoaded, Level = LogLevel.Information,
        Message = "Allowlist loaded: {Wallets} wallets, {ApiKeys} API keys")]
    public static partial void Loaded(ILogger logger, int wallets, int apiKeys);

    [LoggerMessage(EventId = 4101, EventName = LogEvents.AllowlistMissing, Level = LogLevel.Warning,
        Message = "Allowlist file {Path} does not exist; nobody is listed until it is created")]
    public static partial void Missing(ILogger logger, string path);

    [LoggerMessage(EventId = 4102, EventName = LogEvents.AllowlistReloadFailed, Level = LogLevel.Error,
        Message = "Allowlist reload failed ({Reason}); the previous list stays in force")]
    public static partial void ReloadFailed(ILogger logger, string reason);

    [LoggerMessage(EventId = 4103, EventName = LogEvents.AllowlistChanged, Level = LogLevel.Information,
        Message = "Allowlist changed: {Action} {EntryKind} {EntryHash}")]
    public static partial void Changed(ILogger logger, string action, string entryKind, string entryHash);

    [LoggerMessage(EventId = 4104, EventName = LogEvents.AllowlistEntryInvalid, Level = LogLevel.Warning,
        Message = "Allowlist entry {Member}[{Index}]: {Reason}")]
    public static partial void EntryInvalid(ILogger logger, string member, int index, string reason);

    [LoggerMessage(EventId = 4105, EventName = LogEvents.AllowlistSignalFailed, Level = LogLevel.Warning,
        Message = "The governance signal of an allowlist reload was not recorded ({ErrorClass})")]
    public static partial void SignalFailed(ILogger logger, string errorClass);
}
