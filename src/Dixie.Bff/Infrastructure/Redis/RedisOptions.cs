using Dixie.Bff.Infrastructure.Configuration;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Dixie.Bff.Infrastructure.Redis;

/// <summary>Builds the client configuration of spec 10 §4 from the parsed `REDIS_URL`.</summary>
internal static class RedisOptions
{
    public const string ClientName = "dixie-bff";

    public static ConfigurationOptions Create(RedisSettings settings, string prefix, ILoggerFactory? loggerFactory)
    {
        var options = new ConfigurationOptions
        {
            User = settings.User,
            Password = settings.Password,
            DefaultDatabase = settings.Database,
            Ssl = settings.UseTls,
            SslHost = settings.UseTls ? settings.Host : null,
            // Connect and reconnect in the background: the service starts and serves while Redis is down.
            AbortOnConnectFail = false,
            ConnectTimeout = 5000,
            // A hung Redis must not stall a request for longer than this.
            AsyncTimeout = 1000,
            SyncTimeout = 1000,
            ClientName = ClientName,
            LoggerFactory = loggerFactory,
        };
        options.EndPoints.Add(settings.Host, settings.Port);
        if (prefix.Length > 0)
        {
            options.ChannelPrefix = RedisChannel.Literal(prefix);
        }

        return options;
    }
}
