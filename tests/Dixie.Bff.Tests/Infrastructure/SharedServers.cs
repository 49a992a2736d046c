namespace Dixie.Bff.Tests.Infrastructure;

/// <summary>
/// One PostgreSQL, Redis and NATS (JetStream) for the whole test process, started on first use and
/// stopped at process exit. For tests that never stop or freeze a server; a test that does
/// starts its own private server instead. Each test creates its own database with
/// <see cref="PostgresServer.CreateDatabaseAsync"/> (or uses unique keys in the shared one).
/// </summary>
public sealed class SharedServers : IAsyncDisposable
{
    private static readonly Lazy<Task<SharedServers>> Instance = new(StartAsync);

    private SharedServers(PostgresServer postgres, RedisServer redis, NatsServer nats)
    {
        Postgres = postgres;
        Redis = redis;
        Nats = nats;
    }

    public PostgresServer Postgres { get; }
    public RedisServer Redis { get; }
    public NatsServer Nats { get; }

    public static Task<SharedServers> GetAsync() => Instance.Value;

    public async ValueTask DisposeAsync()
    {
        await Task.WhenAll(Postgres.DisposeAsync().AsTask(), Redis.DisposeAsync().AsTask(), Nats.DisposeAsync().AsTask());
    }

    private static async Task<SharedServers> StartAsync()
    {
        var postgres = PostgresServer.StartAsync();
        var redis = RedisServer.StartAsync();
        var nats = NatsServer.StartAsync();
        try
        {
            await Task.WhenAll(postgres, redis, nats);
        }
        catch
        {
            // Whatever did start must not outlive the failure.
            await DisposeIfStartedAsync(postgres);
            await DisposeIfStartedAsync(redis);
            await DisposeIfStartedAsync(nats);
            throw;
        }
        var servers = new SharedServers(postgres.Result, redis.Result, nats.Result);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => servers.DisposeAsync().AsTask().Wait(TimeSpan.FromSeconds(15));
        return servers;
    }

    private static async Task DisposeIfStartedAsync<T>(Task<T> server) where T : IAsyncDisposable
    {
        if (server.IsCompletedSuccessfully)
        {
            await server.Result.DisposeAsync();
        }
    }
}
