using System.Text.Json;
using Dixie.Bff.Infrastructure.Redis;
using StackExchange.Redis;

namespace Dixie.Bff.Features.Auth;

/// <summary>
/// The Redis half of the nonce store (spec 04 §2, §8). Issue is one script on Redis's own clock, so
/// instances with drifting clocks agree on expiry and the per-IP cap cannot be raced; consumption is
/// GETDEL, which exactly one caller wins.
/// </summary>
public sealed class RedisNonces
{
    private const string IssueScript = CappedIssueScript.Source;

    public async Task<NonceIssue> IssueAsync(IDatabase database, string client, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        var lifetimeMs = (long)NonceStore.Lifetime.TotalMilliseconds;
        var valuePrefix = $"{{\"ip\":\"{JsonEncodedText.Encode(client)}\",\"issuedAt\":";
        while (true)
        {
            var nonce = NonceStore.NewNonce();
            var reply = (RedisResult[])(await database.ScriptEvaluateAsync(IssueScript,
                [RedisKeys.AuthNonce + nonce, RedisKeys.AuthNonceIp + client],
                [nonce, valuePrefix, NonceStore.PerIpLimit, lifetimeMs]))!;
            var (status, now, expiry) = ((long)reply[0], (long)reply[1], (long)reply[2]);
            switch (status)
            {
                case 1:
                    return new NonceIssue(NonceOutcome.Issued, nonce,
                        DateTimeOffset.FromUnixTimeMilliseconds(now), DateTimeOffset.FromUnixTimeMilliseconds(expiry), 0);
                case 0:
                    return NonceIssue.Refused(NonceStore.RetryAfterSeconds(TimeSpan.FromMilliseconds(expiry - now)));
                default:
                    // 190 random bits collided with a live nonce: draw again rather than share it.
                    continue;
            }
        }
    }

    public async Task<bool> ConsumeAsync(IDatabase database, string nonce, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        var value = await database.StringGetDeleteAsync(RedisKeys.AuthNonce + nonce);
        if (value.IsNull) return false;
        // Only the winner frees the slot in its client's index; a value without an ip (seeded by
        // hand) has no index entry. A failure here only leaves a member that expires on its own, and
        // must not turn the nonce this caller already consumed into "store unavailable".
        if (ClientOf(value) is { } client)
        {
            try
            {
                await database.SortedSetRemoveAsync(RedisKeys.AuthNonceIp + client, nonce);
            }
            catch (Exception e) when (e is RedisException or RedisTimeoutException)
            {
            }
        }
        return true;
    }

    private static string? ClientOf(RedisValue value)
    {
        try
        {
            using var document = JsonDocument.Parse((string)value!);
            return document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("ip", out var ip)
                && ip.ValueKind == JsonValueKind.String ? ip.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
