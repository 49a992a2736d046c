using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Dixie.Bff.Infrastructure.Finn;
using Dixie.Bff.Infrastructure.Identity;
using Dixie.Bff.Infrastructure.Redis;
using StackExchange.Redis;

namespace Dixie.Bff.Features.Agents;

/// <summary>The outcome of verifying one signed triple: an identity, a 401, or the finn error to answer.</summary>
public sealed record TbaVerification(AgentIdentity? Identity, FinnError? Failure)
{
    public static readonly TbaVerification Rejected = new(null, null);
}

/// <summary>
/// Step 6 of spec 07 §2.2: finn's `verify-tba` under the breaker, with successful verifications cached
/// for 300 s under `tba:verify:` + H(address|signature|timestamp) (in process without Redis). An
/// identical triple inside the window is answered from the cache; any other signature is a miss.
/// </summary>
public sealed class TbaVerifier(FinnClient finn, RedisConnection redis, TimeProvider clock)
{
    private static readonly TimeSpan CacheLifetime = TimeSpan.FromSeconds(300);
    private const int MemoryCapacity = 10_000;

    private readonly ConcurrentDictionary<string, (AgentIdentity Identity, DateTimeOffset ExpiresAt)> _memory = new(StringComparer.Ordinal);
    private readonly RedisOutage _outage = new(clock);

    public async Task<TbaVerification> VerifyAsync(TbaHeaders headers, FinnCallContext caller, CancellationToken ct)
    {
        var key = CacheKey(headers);
        if (await FindCachedAsync(key) is { } cached) return new(cached, null);

        FinnResponse<FinnTbaVerification> response;
        try
        {
            response = await finn.SendAsync(FinnOperation.VerifyTba, "api/auth/verify-tba",
                new FinnVerifyTbaRequest(headers.Address, headers.Signature, headers.Message), FinnAgentJson.Default.FinnTbaVerification, caller, ct);
        }
        catch (FinnCallException failure)
        {
            return new(null, failure.Kind switch
            {
                FinnFailureKind.Malformed => FinnErrors.Malformed,
                FinnFailureKind.Circuit => FinnErrors.CircuitOpen(failure.RetryAfter) with { Message = Unavailable },
                _ => new FinnError(StatusCodes.Status503ServiceUnavailable, "upstream_error", Unavailable),
            });
        }
        if (response.Value is not { } verified
            || !WalletAddress.TryNormalize(verified.OwnerWallet, out var owner)
            || !string.Equals(verified.TbaAddress, headers.Address, StringComparison.OrdinalIgnoreCase))
        {
            return TbaVerification.Rejected;
        }
        var identity = new AgentIdentity(WalletAddress.ToChecksum(headers.Address),
            WalletAddress.IsWellFormed(verified.NftContract) ? WalletAddress.ToChecksum(verified.NftContract) : verified.NftContract,
            verified.TokenIdText, owner);
        await StoreAsync(key, identity);
        return new(identity, null);
    }

    public const string Unavailable = "TBA verification unavailable";

    public static string CacheKey(TbaHeaders headers) => RedisKeys.TbaVerify
        + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{headers.Address}|{headers.Signature}|{headers.Timestamp}")));

    private async Task<AgentIdentity?> FindCachedAsync(string key)
    {
        if (redis.IsConfigured && _outage.ShouldTry(out var started))
        {
            try
            {
                var value = await redis.Database.StringGetAsync(key);
                _outage.Succeeded(started);
                if (!value.IsNullOrEmpty) return Parse(value!);
            }
            catch (Exception e) when (e is RedisException or TimeoutException or ObjectDisposedException)
            {
                // Falls through to the in-process entries this instance wrote during the outage.
                _outage.Failed();
            }
        }
        if (!_memory.TryGetValue(key, out var entry)) return null;
        if (entry.ExpiresAt > clock.GetUtcNow()) return entry.Identity;
        _memory.TryRemove(key, out _);
        return null;
    }

    private async Task StoreAsync(string key, AgentIdentity identity)
    {
        if (redis.IsConfigured && _outage.ShouldTry(out var started))
        {
            try
            {
                await redis.Database.StringSetAsync(key, JsonSerializer.Serialize(identity, FinnAgentJson.Default.AgentIdentity), CacheLifetime);
                _outage.Succeeded(started);
                return;
            }
            catch (Exception e) when (e is RedisException or TimeoutException or ObjectDisposedException)
            {
                // Not cached in Redis: this instance remembers it instead.
                _outage.Failed();
            }
        }
        if (_memory.Count >= MemoryCapacity) _memory.Clear();
        _memory[key] = (identity, clock.GetUtcNow() + CacheLifetime);
    }

    private static AgentIdentity? Parse(string json)
    {
        try
        {
            return JsonSerializer.Deserialize(json, FinnAgentJson.Default.AgentIdentity);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
