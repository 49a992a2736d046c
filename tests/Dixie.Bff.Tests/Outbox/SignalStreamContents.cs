using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Dixie.Bff.Infrastructure.Nats;
using NATS.Client.Core;
using NATS.Client.JetStream;

namespace Dixie.Bff.Tests.Outbox;

/// <summary>One message as a consumer sees it: subject, the two headers the outbox sets, and the parsed body.</summary>
public sealed record SignalMessage(string Subject, string? MsgId, string? Traceparent, JsonElement Body);

/// <summary>Reads what the `DIXIE_SIGNALS` stream stores (after JetStream's de-duplication).</summary>
public static class SignalStreamContents
{
    public static async Task<IReadOnlyList<SignalMessage>> ReadAllAsync(string natsUrl)
    {
        await using var connection = new NatsConnection(new NatsOpts { Url = natsUrl });
        var jetStream = new NatsJSContext(connection);
        var stream = await jetStream.GetStreamAsync(SignalStream.Name);
        var expected = (long)stream.Info.State.Messages;
        var consumer = await jetStream.CreateOrderedConsumerAsync(SignalStream.Name);
        var messages = new List<SignalMessage>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (messages.Count < expected)
        {
            await foreach (var message in consumer.FetchNoWaitAsync<byte[]>(new NatsJSFetchOpts { MaxMsgs = 500 }, cancellationToken: timeout.Token))
            {
                messages.Add(ToSignal(message.Subject, message.Headers, message.Data));
            }
        }
        return messages;
    }

    public static SignalMessage ToSignal(string subject, NatsHeaders? headers, byte[]? data) => new(
        subject,
        headers is not null && headers.TryGetValue("Nats-Msg-Id", out var id) ? id.ToString() : null,
        headers is not null && headers.TryGetValue("traceparent", out var traceparent) ? traceparent.ToString() : null,
        JsonDocument.Parse(data ?? Encoding.UTF8.GetBytes("null")).RootElement.Clone());
}

/// <summary>
/// A plain NATS subscription to `dixie.signal.>`: it sees every publish, including the copies JetStream
/// drops as duplicates, so it shows whether a row was published more than once.
/// </summary>
public sealed class SignalTap : IAsyncDisposable
{
    private readonly NatsConnection connection;
    private readonly INatsSub<byte[]> subscription;
    private readonly Task reading;

    private SignalTap(NatsConnection connection, INatsSub<byte[]> subscription)
    {
        this.connection = connection;
        this.subscription = subscription;
        reading = Task.Run(async () =>
        {
            await foreach (var message in subscription.Msgs.ReadAllAsync())
                Messages.Enqueue(SignalStreamContents.ToSignal(message.Subject, message.Headers, message.Data));
        });
    }

    public ConcurrentQueue<SignalMessage> Messages { get; } = new();

    public static async Task<SignalTap> StartAsync(string natsUrl)
    {
        var connection = new NatsConnection(new NatsOpts { Url = natsUrl });
        var subscription = await connection.SubscribeCoreAsync<byte[]>("dixie.signal.>");
        await connection.PingAsync();
        return new SignalTap(connection, subscription);
    }

    public async ValueTask DisposeAsync()
    {
        await subscription.DisposeAsync();
        await reading;
        await connection.DisposeAsync();
    }
}
