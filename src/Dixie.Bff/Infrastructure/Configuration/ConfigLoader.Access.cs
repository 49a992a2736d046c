namespace Dixie.Bff.Infrastructure.Configuration;

// Spec 01 §3.4: access control and limits.
public static partial class ConfigLoader
{
    internal const string DefaultAllowlistPath = "/data/allowlist.json";
    private const int MinAdminKeyLength = 16;

    private static readonly Dictionary<string, RateLimitBackend> Backends = new(StringComparer.OrdinalIgnoreCase)
    {
        ["memory"] = RateLimitBackend.Memory, ["redis"] = RateLimitBackend.Redis,
    };

    private static AccessSettings ReadAccess(EnvReader reader, DixieEnvironment environment)
    {
        var allowlistPath = ReadAllowlistPath(reader);
        var adminKey = ReadAdminKey(reader, environment);
        var wallets = AdminWallets.Parse(reader);
        var rpm = reader.Int("DIXIE_RATE_LIMIT_RPM", 1, 1000000, 100);
        var queryRpm = reader.Int("DIXIE_REPUTATION_QUERY_RPM", 1, 1000000, 6000);
        var agentPerMinute = reader.Int("DIXIE_AGENT_RATE_LIMIT_PER_MINUTE", 1, 1000000, 30);
        var agentPerDay = reader.Int("DIXIE_AGENT_RATE_LIMIT_PER_DAY", 1, 1000000, 1000);
        var backend = reader.Enum("DIXIE_RATE_LIMIT_BACKEND", Backends);
        var redisSet = reader.IsSet(RedisUrl.Variable);
        if (backend == RateLimitBackend.Redis && !redisSet)
        {
            reader.Problem("DIXIE_RATE_LIMIT_BACKEND", "redis needs REDIS_URL; set REDIS_URL or use memory (or leave it unset to choose automatically)");
        }
        return new AccessSettings
        {
            AllowlistPath = allowlistPath,
            AdminKey = adminKey,
            AdminWallets = wallets,
            RateLimitRpm = rpm,
            ReputationQueryRpm = queryRpm,
            AgentRateLimitPerMinute = agentPerMinute,
            AgentRateLimitPerDay = agentPerDay,
            RateLimitBackend = backend ?? (redisSet ? RateLimitBackend.Redis : RateLimitBackend.Memory),
            ConvictionTierTtlSeconds = reader.Int("DIXIE_CONVICTION_TIER_TTL", 1, 86400, 300),
        };
    }

    private static string ReadAllowlistPath(EnvReader reader)
    {
        const string variable = "DIXIE_ALLOWLIST_PATH";
        var raw = reader.Scalar(variable) ?? DefaultAllowlistPath;
        string path;
        try
        {
            path = Path.GetFullPath(raw);
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException or PathTooLongException)
        {
            reader.Problem(variable, $"is not a valid file path (got {EnvReader.Quote(raw)})");
            return raw;
        }
        if (raw.EndsWith('/') || Directory.Exists(path))
        {
            reader.Problem(variable, $"names a directory ({EnvReader.Quote(raw)}); set the path of the allowlist file, e.g. {DefaultAllowlistPath}");
            return path;
        }
        var parent = Path.GetDirectoryName(path) ?? "/";
        if (!Directory.Exists(parent))
        {
            reader.Warn(variable, $"directory {parent} does not exist; admin allowlist changes would fail");
        }
        else if (!FsProbe.IsWritableDirectory(parent))
        {
            reader.Warn(variable, $"directory {parent} is not writable; admin allowlist changes would fail");
        }
        return path;
    }

    private static string? ReadAdminKey(EnvReader reader, DixieEnvironment environment)
    {
        const string variable = "DIXIE_ADMIN_KEY";
        var key = reader.Secret(variable);
        if (key is null)
        {
            if (environment == DixieEnvironment.Production)
            {
                reader.Problem(variable, $"required in production; set at least {MinAdminKeyLength} characters (openssl rand -hex 16)");
            }
            return null;
        }
        if (key.Length < MinAdminKeyLength)
        {
            reader.Problem(variable, $"must be at least {MinAdminKeyLength} characters (has {key.Length}); generate one with: openssl rand -hex 16");
        }
        RefuseWhitespace(reader, variable, key);
        RefusePlaceholder(reader, environment, variable, key);
        return key;
    }
}
