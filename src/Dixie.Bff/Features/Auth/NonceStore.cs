using System.Net;
using System.Security.Cryptography;
using Dixie.Bff.Infrastructure.Redis;
using StackExchange.Redis;

namespace Dixie.Bff.Features.Auth;

public enum NonceOutcome { Issued, Refused, Unavailable }

/// <summary>
/// The outcome of <see cref="NonceStore.IssueAsync"/>: a nonce with its lifetime, or a refusal with
/// the seconds until the client's oldest outstanding nonce expires.
/// </summary>
public readonly record struct NonceIssue(NonceOutcome Outcome, string Nonce, DateTimeOffset IssuedAt, DateTimeOffset ExpiresAt, int RetryAfterSeconds)
{
    public static NonceIssue Unavailable { get; } = new(NonceOutcome.Unavailable, "", default, default, 0);

    public static NonceIssue Refused(int retryAfterSeconds) => new(NonceOutcome.Refused, "", default, default, retryAfterSeconds);
}

public enum NonceConsumption { Consumed, NotFound, Unavailable }

/// <summary>
/// Server-issued SIWE nonces (spec 04 §2): in Redis when it is configured, so any instance can
/// consume what another issued; in process otherwise. A configured Redis that is down makes the
/// store unavailable — it never falls back to memory, where another instance could not find the nonce.
/// </summary>
public sealed class NonceStore(RedisConnection redis, RedisNonces redisNonces, MemoryNonces memoryNonces)
{
    public const int Length = 32;
    public const int PerIpLimit = 20;
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(300);

    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    /// <summary>32 characters of [A-Za-z0-9] from the CSPRNG, without modulo bias (≈ 190 bits).</summary>
    public static string NewNonce() => RandomNumberGenerator.GetString(Alphabet, Length);

    /// <summary>The per-IP key: an IPv4-mapped IPv6 address counts as the IPv4 address it carries.</summary>
    public static string ClientKey(IPAddress? address) => address switch
    {
        null => "unknown",
        { IsIPv4MappedToIPv6: true } => address.MapToIPv4().ToString(),
        _ => address.ToString(),
    };

    public async Task<NonceIssue> IssueAsync(IPAddress? clientIp, CancellationToken ct)
    {
        var client = ClientKey(clientIp);
        if (!redis.IsConfigured) return memoryNonces.Issue(client);
        if (!redis.IsConnected) return NonceIssue.Unavailable;
        try
        {
            return await redisNonces.IssueAsync(redis.Database, client, ct);
        }
        catch (Exception e) when (e is RedisException or RedisTimeoutException)
        {
            return NonceIssue.Unavailable;
        }
    }

    /// <summary>Removes the nonce; only the one caller that removed it gets <see cref="NonceConsumption.Consumed"/>.</summary>
    public async Task<NonceConsumption> ConsumeAsync(string nonce, CancellationToken ct)
    {
        if (!redis.IsConfigured) return memoryNonces.Consume(nonce) ? NonceConsumption.Consumed : NonceConsumption.NotFound;
        if (!redis.IsConnected) return NonceConsumption.Unavailable;
        try
        {
            return await redisNonces.ConsumeAsync(redis.Database, nonce, ct) ? NonceConsumption.Consumed : NonceConsumption.NotFound;
        }
        catch (Exception e) when (e is RedisException or RedisTimeoutException)
        {
            return NonceConsumption.Unavailable;
        }
    }

    internal static int RetryAfterSeconds(TimeSpan untilOldestExpires) =>
        Math.Max(1, (int)Math.Ceiling(untilOldestExpires.TotalSeconds));
}
