using Dixie.Bff.Infrastructure.Configuration;
using Microsoft.Extensions.Logging;

namespace Dixie.Bff.Tests.Messaging;

/// <summary>A <see cref="DixieConfig"/> whose only meaningful part is the Redis and NATS settings.</summary>
internal static class MessagingConfig
{
    public static RedisSettings Redis(int port) => new() { Host = "127.0.0.1", Port = port, Database = 0, UseTls = false };

    public static DixieConfig Create(RedisSettings? redis = null, string redisPrefix = "", string? natsUrl = null, int natsStreamReplicas = 1) => new()
    {
        Environment = DixieEnvironment.Test,
        Http = new HttpSettings { Port = 3001, CorsOrigins = [], TrustedProxies = [], LogLevel = LogLevel.Information, MetricsEnabled = false },
        Finn = new FinnSettings
        {
            BaseUrl = new Uri("http://127.0.0.1:1"),
            WebSocketUrl = new Uri("ws://127.0.0.1:1"),
            Timeout = TimeSpan.FromSeconds(1),
            HealthTimeout = TimeSpan.FromSeconds(1),
        },
        Auth = new AuthSettings
        {
            JwtPrivateKey = "test-key-test-key-test-key-test-key",
            JwtAlgorithm = JwtAlgorithm.HS256,
            JwtTtlSeconds = 3600,
            SiweDomains = ["localhost"],
            SiweChainIds = [],
            SiweNonceMode = SiweNonceMode.Strict,
            SiweMaxAgeSeconds = 300,
        },
        Access = new AccessSettings
        {
            AllowlistPath = "/tmp/allowlist.json",
            AdminWallets = [],
            RateLimitRpm = 100,
            ReputationQueryRpm = 100,
            AgentRateLimitPerMinute = 10,
            AgentRateLimitPerDay = 100,
            RateLimitBackend = RateLimitBackend.Memory,
            ConvictionTierTtlSeconds = 300,
        },
        Data = new DataSettings
        {
            DatabaseConnectionString = "Host=127.0.0.1",
            Redis = redis,
            RedisPrefix = redisPrefix,
            NatsUrl = natsUrl,
            NatsStreamReplicas = natsStreamReplicas,
            OutboxPollInterval = TimeSpan.FromSeconds(1),
        },
        Telemetry = new TelemetrySettings { OtlpProtocol = OtlpProtocol.Grpc },
        Fleet = new FleetSettings
        {
            Enabled = false,
            AgentCommand = [],
            AgentEnv = [],
            WorkDir = "/tmp",
            TaskTimeoutMinutes = 1,
            MonitorIntervalSeconds = 1,
            StopGraceSeconds = 1,
        },
    };
}
