using System.Collections.Concurrent;

namespace Dixie.FinnEmulator.Agent;

/// <summary>A registered token-bound account (spec 11 §6.1, §8.1); optional fields fall back to derivation.</summary>
public sealed record TbaEntry(string TbaAddress, string OwnerWallet, string? NftContract, string? TokenId, string? ReportedTbaAddress);

/// <summary>TBA address (case-insensitive) → registered owner, set through <c>/_emulator/tba</c>.</summary>
public sealed class TbaRegistry
{
    private readonly ConcurrentDictionary<string, TbaEntry> _entries = new(StringComparer.OrdinalIgnoreCase);

    public TbaEntry? Find(string tbaAddress) => _entries.TryGetValue(tbaAddress, out var entry) ? entry : null;

    public void Register(TbaEntry entry) => _entries[entry.TbaAddress] = entry;

    public void Remove(string tbaAddress) => _entries.TryRemove(tbaAddress, out _);

    public void Clear() => _entries.Clear();
}
