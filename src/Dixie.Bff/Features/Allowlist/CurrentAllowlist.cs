namespace Dixie.Bff.Features.Allowlist;

/// <summary>
/// The allowlist every request reads (the gate, the API-key lookup, sign-in). Loads and admin
/// writes replace the whole snapshot at once; readers never see a half-applied change.
/// </summary>
public sealed class CurrentAllowlist
{
    private volatile State _state = new(AllowlistSnapshot.Empty, DateTimeOffset.MinValue);

    public AllowlistSnapshot Snapshot => _state.Snapshot;

    /// <summary>When the current snapshot was read successfully (MinValue before the first load).</summary>
    public DateTimeOffset LoadedAt => _state.LoadedAt;

    public void Replace(AllowlistSnapshot snapshot, DateTimeOffset loadedAt) => _state = new(snapshot, loadedAt);

    // One object so Snapshot and LoadedAt always belong together.
    private sealed record State(AllowlistSnapshot Snapshot, DateTimeOffset LoadedAt);
}
