using System.Text.RegularExpressions;

namespace Dixie.Bff.Infrastructure.Configuration;

// Spec 01 §3.5: data stores and messaging.
public static partial class ConfigLoader
{
    [GeneratedRegex("^[A-Za-z0-9:._-]{0,64}\\z")]
    private static partial Regex RedisPrefix();

    private static DataSettings? ReadData(EnvReader reader, DixieEnvironment environment)
    {
        var connectionString = ReadDatabaseUrl(reader, environment);
        var redis = ReadRedis(reader, environment);
        var prefix = reader.Scalar("DIXIE_REDIS_PREFIX") ?? "";
        if (!RedisPrefix().IsMatch(prefix))
        {
            reader.Problem("DIXIE_REDIS_PREFIX", $"must be at most 64 characters from A-Z a-z 0-9 : . _ - (got {prefix.Length} characters: {EnvReader.Quote(prefix)})");
        }
        var natsUrl = NatsUrl.Parse(reader);
        foreach (var credentials in natsUrl is null ? [] : NatsUrl.Credentials(natsUrl))
        {
            RefusePlaceholder(reader, environment, NatsUrl.Variable, credentials, "the credentials");
        }
        var replicas = reader.Int("DIXIE_NATS_STREAM_REPLICAS", 1, 5, 1);
        var pollMs = reader.Int("DIXIE_OUTBOX_POLL_MS", 50, 60000, 1000);
        return connectionString is null
            ? null
            : new DataSettings
            {
                DatabaseConnectionString = connectionString,
                Redis = redis,
                RedisPrefix = prefix,
                NatsUrl = natsUrl,
                NatsStreamReplicas = replicas,
                OutboxPollInterval = TimeSpan.FromMilliseconds(pollMs),
            };
    }

    private static string? ReadDatabaseUrl(EnvReader reader, DixieEnvironment environment)
    {
        int? poolSize = reader.IsSet("DATABASE_POOL_SIZE") ? reader.Int("DATABASE_POOL_SIZE", 1, 100, 0) : null;
        var raw = reader.Scalar(DatabaseUrl.Variable);
        if (raw is null)
        {
            reader.Problem(DatabaseUrl.Variable, "required; set postgresql://user:password@host:5432/database (or an Npgsql Host=…;Username=…;Password=…;Database=… string)");
            return null;
        }
        var connectionString = DatabaseUrl.Parse(raw, poolSize is 0 ? null : poolSize, reader);
        if (connectionString is not null)
        {
            RefusePlaceholder(reader, environment, DatabaseUrl.Variable, DatabaseUrl.Password(connectionString), "the password");
        }
        return connectionString;
    }

    private static RedisSettings? ReadRedis(EnvReader reader, DixieEnvironment environment)
    {
        var raw = reader.Scalar(RedisUrl.Variable);
        if (raw is null)
        {
            if (environment is DixieEnvironment.Staging or DixieEnvironment.Production)
            {
                reader.Warn(RedisUrl.Variable, "unset: nonces, tickets, rate limits and revocations stay in this process (single instance only)");
            }
            return null;
        }
        var redis = RedisUrl.Parse(raw, reader);
        RefusePlaceholder(reader, environment, RedisUrl.Variable, redis?.Password, "the password");
        return redis;
    }
}
