using StackExchange.Redis;

namespace Dixie.Bff.Infrastructure.Redis;

/// <summary>
/// Reads `maxmemory_policy` from `INFO memory` (spec 10 §4): nonces, revocations and tickets are
/// correctness data, so anything but `noeviction` deserves a warning.
/// </summary>
internal static class RedisEvictionPolicy
{
    public const string Safe = "noeviction";

    public static bool IsSafe(string policy) => string.Equals(policy, Safe, StringComparison.OrdinalIgnoreCase);

    public static async Task<string?> ReadAsync(ConfigurationOptions options)
    {
        // INFO is an admin command in StackExchange.Redis. A short-lived admin connection keeps admin
        // commands off the multiplexer that features share.
        options.AllowAdmin = true;
        options.AbortOnConnectFail = true;
        await using var admin = await ConnectionMultiplexer.ConnectAsync(options);
        var server = admin.GetServers().First();
        var sections = await server.InfoAsync("memory");
        return sections.SelectMany(section => section)
            .Where(entry => entry.Key == "maxmemory_policy")
            .Select(entry => entry.Value)
            .FirstOrDefault();
    }
}
