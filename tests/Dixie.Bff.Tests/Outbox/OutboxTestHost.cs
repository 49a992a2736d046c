using System.Diagnostics;
using Dixie.Bff.Infrastructure.Nats;
using Dixie.Bff.Infrastructure.Outbox;
using Dixie.Bff.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Dixie.Bff.Tests.Outbox;

/// <summary>The state of one outbox row, as the tests inspect it.</summary>
public sealed record OutboxRowState(Guid Id, string Subject, DateTime? PublishedAt, int Attempts, DateTime AvailableAt, string? LastError, string? Traceparent);

/// <summary>A service host (its own database unless given) whose outbox is observed and driven by the tests.</summary>
public static class OutboxTestHost
{
    public static async Task<DixieHost> StartAsync(string? natsUrl, string? databaseUrl = null, OutboxOptions? options = null)
    {
        var host = await DixieHost.StartAsync(new DixieHostOptions
        {
            DatabaseUrl = databaseUrl,
            Environment = { ["NATS_URL"] = natsUrl, ["DIXIE_OUTBOX_POLL_MS"] = "200" },
            ConfigureServices = services =>
            {
                if (options is not null) services.AddSingleton(options);
            },
        });
        if (natsUrl is not null)
            await host.Get<NatsStatus>().WaitUntilReadyAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(20));
        return host;
    }

    public static OutboxOptions Options(int pollMs = 200) => new() { PollInterval = TimeSpan.FromMilliseconds(pollMs) };

    /// <summary>Writes one signal in its own transaction, committed or rolled back.</summary>
    public static async Task<Guid?> WriteAsync(this DixieHost host, ISignalData data, string? dedupKey = null, bool commit = true)
    {
        await using var connection = await host.Get<NpgsqlDataSource>().OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        var id = await host.Get<OutboxWriter>().AddAsync(connection, transaction, data, dedupKey, CancellationToken.None);
        if (commit) await transaction.CommitAsync();
        else await transaction.RollbackAsync();
        return id;
    }

    public static async Task<IReadOnlyList<OutboxRowState>> RowsAsync(this DixieHost host)
    {
        await using var command = host.Get<NpgsqlDataSource>().CreateCommand(
            "SELECT id, subject, published_at, attempts, available_at, last_error, traceparent FROM event_outbox ORDER BY created_at, id");
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<OutboxRowState>();
        while (await reader.ReadAsync())
        {
            rows.Add(new OutboxRowState(reader.GetGuid(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetDateTime(2),
                reader.GetInt32(3), reader.GetDateTime(4), reader.IsDBNull(5) ? null : reader.GetString(5), reader.IsDBNull(6) ? null : reader.GetString(6)));
        }
        return rows;
    }

    public static async Task<OutboxRowState> RowAsync(this DixieHost host, Guid id) => (await host.RowsAsync()).Single(row => row.Id == id);

    public static async Task ExecuteAsync(this DixieHost host, string sql, params (string Name, object Value)[] parameters)
    {
        await using var command = host.Get<NpgsqlDataSource>().CreateCommand(sql);
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value);
        await command.ExecuteNonQueryAsync();
    }

    public static async Task<T> ScalarAsync<T>(this DixieHost host, string sql)
    {
        await using var command = host.Get<NpgsqlDataSource>().CreateCommand(sql);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    public static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var watch = Stopwatch.StartNew();
        while (!await condition())
        {
            if (watch.Elapsed > timeout) throw new TimeoutException($"Not within {timeout.TotalSeconds} s: {what}");
            await Task.Delay(20);
        }
    }

    public static Task WaitUntilPublishedAsync(this DixieHost host, int count, TimeSpan timeout) =>
        WaitUntilAsync(async () => (await host.RowsAsync()).Count(row => row.PublishedAt is not null) >= count, timeout, $"{count} rows published");
}
