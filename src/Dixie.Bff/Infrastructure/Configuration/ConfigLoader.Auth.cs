namespace Dixie.Bff.Infrastructure.Configuration;

// Spec 01 §3.3: tokens and sign-in.
public static partial class ConfigLoader
{
    private static readonly Dictionary<string, SiweNonceMode> NonceModes = new(StringComparer.OrdinalIgnoreCase)
    {
        ["strict"] = SiweNonceMode.Strict, ["format"] = SiweNonceMode.Format,
    };

    private static AuthSettings? ReadAuth(EnvReader reader, DixieEnvironment environment, IReadOnlyList<string> corsOrigins)
    {
        var key = JwtKeyValidator.Validate(reader);
        RefusePlaceholder(reader, environment, JwtKeyValidator.KeyVariable, reader.Secret(JwtKeyValidator.KeyVariable));
        var ttl = reader.Int("DIXIE_JWT_TTL_SECONDS", 60, 86400, 3600);
        var (domains, _) = SiweDomains.Resolve(reader, corsOrigins, environment);
        var chainIds = ReadChainIds(reader);
        var nonceMode = reader.Enum("DIXIE_SIWE_NONCE_MODE", NonceModes) ?? SiweNonceMode.Strict;
        if (nonceMode == SiweNonceMode.Format && environment is DixieEnvironment.Staging or DixieEnvironment.Production)
        {
            reader.Warn("DIXIE_SIWE_NONCE_MODE", "format: nonces are not issued or consumed by this deployment, so a signed message can be replayed until it expires");
        }
        var maxAge = reader.Int("DIXIE_SIWE_MAX_AGE_SECONDS", 30, 86400, 600);
        return key is null
            ? null
            : new AuthSettings
            {
                JwtPrivateKey = key.Key,
                JwtAlgorithm = key.Algorithm,
                JwtTtlSeconds = ttl,
                SiweDomains = domains,
                SiweChainIds = chainIds,
                SiweNonceMode = nonceMode,
                SiweMaxAgeSeconds = maxAge,
            };
    }

    private static List<long> ReadChainIds(EnvReader reader)
    {
        var chainIds = new List<long>();
        foreach (var (position, item) in reader.Csv("DIXIE_SIWE_CHAIN_IDS"))
        {
            if (!EnvReader.TryParseInteger(item, 1, long.MaxValue, out var chainId))
            {
                reader.Problem("DIXIE_SIWE_CHAIN_IDS", $"item {position} must be an integer from 1 to {long.MaxValue} (got {EnvReader.Quote(item)})");
            }
            else if (!chainIds.Contains(chainId))
            {
                chainIds.Add(chainId);
            }
        }
        return chainIds;
    }
}
