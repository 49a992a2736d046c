using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Dixie.Bff.Infrastructure.Redis;

/// <summary>
/// Turns the multiplexer's connection events into the availability log of spec 10 §4:
/// `redis_connected` once, `redis_unavailable` once per outage, `redis_restored` when it ends, and
/// the eviction-policy check after every (re)connect.
/// </summary>
internal sealed class RedisAvailability(Func<ConfigurationOptions> adminOptions, ILogger logger)
{
    private readonly Lock gate = new();
    private State state = State.Unknown;
    private bool everConnected;

    private enum State { Unknown, Up, Down }

    public void Watch(ConnectionMultiplexer multiplexer)
    {
        multiplexer.ConnectionFailed += (_, e) =>
        {
            if (e.ConnectionType == ConnectionType.Interactive)
            {
                Down(e.FailureType.ToString());
            }
        };
        multiplexer.ConnectionRestored += (_, e) =>
        {
            if (e.ConnectionType == ConnectionType.Interactive && multiplexer.IsConnected)
            {
                Up();
            }
        };

        // Events raised before the handlers were attached are covered by looking at the state once.
        if (multiplexer.IsConnected)
        {
            Up();
        }
        else
        {
            Down(nameof(ConnectionFailureType.UnableToConnect));
        }
    }

    public void Down(string errorClass)
    {
        lock (gate)
        {
            if (state == State.Down)
            {
                return;
            }

            state = State.Down;
        }

        RedisLog.Unavailable(logger, errorClass);
    }

    private void Up()
    {
        bool first;
        lock (gate)
        {
            if (state == State.Up)
            {
                return;
            }

            state = State.Up;
            first = !everConnected;
            everConnected = true;
        }

        if (first)
        {
            RedisLog.Connected(logger);
        }
        else
        {
            RedisLog.Restored(logger);
        }

        // A Redis that came back may be a different server with a different configuration.
        _ = Task.Run(CheckEvictionPolicyAsync);
    }

    private async Task CheckEvictionPolicyAsync()
    {
        try
        {
            var policy = await RedisEvictionPolicy.ReadAsync(adminOptions());
            if (policy is not null && !RedisEvictionPolicy.IsSafe(policy))
            {
                RedisLog.EvictionPolicy(logger, policy);
            }
        }
        catch (Exception e)
        {
            RedisLog.EvictionPolicyUnknown(logger, e);
        }
    }
}
