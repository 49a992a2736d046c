namespace Dixie.Bff.Features.Auth;

/// <summary>
/// Re-reads the allowlist file now (spec 04 §5.3's stale-list guard). Registered by whoever owns
/// the file loader; sign-in calls it when a wallet's revocation watermark is newer than the list
/// this instance last loaded, so a stale list cannot hand a fresh token to a removed wallet.
/// </summary>
public delegate Task AllowlistRefresh(CancellationToken ct);
