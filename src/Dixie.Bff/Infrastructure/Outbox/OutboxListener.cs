using Npgsql;

namespace Dixie.Bff.Infrastructure.Outbox;

/// <summary>
/// `LISTEN dixie_outbox` on a dedicated unpooled connection (spec 10 §3.2): the insert trigger's
/// notification wakes the worker at commit. A lost connection is reopened after 1 s doubling to 30 s;
/// polling carries on meanwhile, so a notification missed during an outage delays a row by one poll at most.
/// </summary>
internal sealed class OutboxListener(string connectionString, OutboxOptions options, Action wake, TimeProvider clock, ILogger logger)
{
    public const string Channel = "dixie_outbox";

    public async Task RunAsync(CancellationToken stoppingToken)
    {
        var delay = options.ListenerRetryMin;
        var inOutage = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = new NpgsqlConnection(connectionString);
                connection.Notification += (_, _) => wake();
                await connection.OpenAsync(stoppingToken);
                await using (var listen = new NpgsqlCommand($"LISTEN {Channel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                }

                inOutage = false;
                delay = options.ListenerRetryMin;
                // Rows committed while nobody listened sent their notification into the void.
                wake();
                while (true)
                {
                    await connection.WaitAsync(stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                if (!inOutage) OutboxLog.ListenerDisconnected(logger, e.GetType().Name, e);
                inOutage = true;
            }

            try
            {
                await Task.Delay(delay, clock, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, options.ListenerRetryMax.Ticks));
        }
    }

    /// <summary>
    /// The configured connection without pooling (closing it really ends the session) and with TCP
    /// keepalives, so a server that vanished without closing the socket is noticed while waiting.
    /// </summary>
    public static string ConnectionString(string configured) => new NpgsqlConnectionStringBuilder(
        Postgres.PostgresConnectionStrings.Unpooled(configured))
    {
        IncludeErrorDetail = false,
        KeepAlive = 30,
    }.ConnectionString;
}
