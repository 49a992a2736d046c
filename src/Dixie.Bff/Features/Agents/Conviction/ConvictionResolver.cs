using System.Diagnostics.Metrics;
using Dixie.Bff.Features.Allowlist;
using Dixie.Bff.Infrastructure.Configuration;
using Dixie.Bff.Infrastructure.Identity;
using Dixie.Bff.Infrastructure.Telemetry;

namespace Dixie.Bff.Features.Agents.Conviction;

/// <summary>
/// Resolves a wallet's conviction tier (spec 07 §1.2). The steps run in order and the first that
/// answers wins: no valid wallet → observer; admin wallet → sovereign; cache; finn's staking record;
/// the allowlist → architect; otherwise observer. The tier is never read from a request.
/// </summary>
public sealed class ConvictionResolver(
    DixieConfig config,
    ConvictionCache cache,
    StakingLookup staking,
    CurrentAllowlist allowlist)
{
    private static readonly Counter<long> Resolutions = DixieTelemetry.Meter.CreateCounter<long>(
        "dixie.conviction.resolutions", "{resolution}", "Conviction tier resolutions by source");

    private readonly HashSet<string> _adminWallets = new(config.Access.AdminWallets, StringComparer.Ordinal);

    public async Task<ConvictionResult> ResolveAsync(string? wallet, CancellationToken ct)
    {
        var result = await ResolveUncountedAsync(wallet, ct);
        Resolutions.Add(1, new KeyValuePair<string, object?>("source", result.Source));
        return result;
    }

    /// <summary>Drops the cached tier of a wallet (the allowlist admin API calls this on every wallet change).</summary>
    public Task InvalidateAsync(string wallet) =>
        WalletAddress.TryNormalize(wallet, out var checksummed) ? cache.InvalidateAsync(checksummed) : Task.CompletedTask;

    private async Task<ConvictionResult> ResolveUncountedAsync(string? wallet, CancellationToken ct)
    {
        if (!WalletAddress.TryNormalize(wallet, out var checksummed)) return ConvictionResult.Observer;
        if (_adminWallets.Contains(checksummed)) return ConvictionResult.Of(ConvictionTier.Sovereign, 0, ConvictionSource.Admin);
        if (await cache.GetAsync(checksummed) is { } cached) return cached;

        var answer = await staking.LookupAsync(checksummed, ct);
        if (answer is StakingAnswer.Staked staked)
        {
            var result = ConvictionResult.Of(ConvictionTier.FromBgt(staked.BgtStaked), staked.BgtStaked, ConvictionSource.Freeside);
            await cache.SetAsync(checksummed, result);
            return result;
        }
        if (allowlist.Snapshot.ContainsWallet(checksummed))
        {
            var result = ConvictionResult.Of(ConvictionTier.Architect, 0, ConvictionSource.LegacyAllowlist);
            // Cached only after finn's definite "no record": a transient failure must not pin the fallback.
            if (answer is StakingAnswer.NoRecord) await cache.SetAsync(checksummed, result);
            return result;
        }
        return ConvictionResult.Observer;
    }
}
