using System.Net;
using System.Text.Json;
using Dixie.Bff.Infrastructure.Outbox;
using Dixie.Bff.Tests.Allowlist;
using Dixie.Bff.Tests.Chat;
using Dixie.Bff.Tests.Infrastructure;
using Dixie.Bff.Tests.Outbox;
using Dixie.Bff.Tests.Support;

namespace Dixie.Bff.Tests.ScaleOut;

/// <summary>
/// Behind a load balancer consecutive requests of one client land on different replicas. These
/// tests send each step of a flow to the other instance. The per-mechanism two-instance tests live
/// with their features: migrations (Binary/ServiceBinaryTests), nonces (Auth/NonceTests), tickets
/// (Streaming/WsProxyTests), rate limits (RateLimiting/RedisRateLimitTests), wallet removal
/// (Identity/WalletRemovalTests), outbox workers (Outbox/OutboxDeliveryTests).
/// </summary>
public sealed class ReplicaTests
{
    [Fact]
    public async Task Session_started_through_A_is_continued_and_listed_through_B()
    {
        await using var pair = await ReplicaPair.StartAsync();
        using var atA = ChatTesting.Client(pair.A, pair.TokenFrom(pair.B));
        using var atB = ChatTesting.Client(pair.B, pair.TokenFrom(pair.A));

        var first = await atA.TurnAsync(ChatTesting.Berachain);
        var sessionId = first.GetProperty("sessionId").GetString()!;
        var followUp = await atB.TurnAsync("And BGT?", sessionId);
        Assert.Equal(sessionId, followUp.GetProperty("sessionId").GetString());

        using var list = JsonDocument.Parse(await atB.GetStringAsync("/api/sessions"));
        Assert.Contains(list.RootElement.GetProperty("sessions").EnumerateArray(), s => s.GetProperty("id").GetString() == sessionId);
        using var detail = await atA.GetAsync("/api/sessions/" + sessionId);
        Assert.Equal(HttpStatusCode.OK, detail.StatusCode);
    }

    [Fact]
    public async Task Api_key_added_through_A_is_accepted_at_B_without_a_restart()
    {
        await using var pair = await ReplicaPair.StartAsync();
        var key = AllowlistTesting.NewApiKey();
        using var atB = ChatTesting.Client(pair.B, key);
        using (var before = await atB.GetAsync("/api/sessions"))
            Assert.Equal(HttpStatusCode.Forbidden, before.StatusCode);

        using (var added = await pair.A.AddAsync("apiKey", key))
            Assert.Equal(HttpStatusCode.Created, added.StatusCode);

        // B reads the shared file again within its reload period (spec 04: about 2 s).
        await Eventually.TrueAsync(async () =>
        {
            using var response = await atB.GetAsync("/api/sessions");
            return response.StatusCode == HttpStatusCode.OK;
        }, TimeSpan.FromSeconds(5), "B accepting the key added through A");
    }

    [Fact]
    public async Task Signals_of_turns_through_both_replicas_are_published_once_each()
    {
        await using var nats = await NatsServer.StartAsync();
        await using var pair = await ReplicaPair.StartAsync(nats.Url);
        using var atA = ChatTesting.Client(pair.A, pair.ApiKey);
        using var atB = ChatTesting.Client(pair.B, pair.ApiKey);

        var sessions = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            sessions.Add((await atA.TurnAsync($"Prompt {i} through A")).GetProperty("sessionId").GetString()!);
            sessions.Add((await atB.TurnAsync($"Prompt {i} through B")).GetProperty("sessionId").GetString()!);
        }

        await pair.A.WaitUntilPublishedAsync((await pair.A.RowsAsync()).Count, TimeSpan.FromSeconds(30));
        var rows = await pair.A.RowsAsync();
        var stored = await SignalStreamContents.ReadAllAsync(nats.Url);
        Assert.Equal(rows.Select(r => r.Id.ToString()).Order(), stored.Select(m => m.MsgId).Order());
        var interactions = stored.Where(m => m.Subject == "dixie.signal.interaction").ToList();
        Assert.Equal(sessions.Order(), interactions.Select(m => m.Body.GetProperty("data").GetProperty("session_id").GetString()).Order());
        Assert.All(rows, row => Assert.Equal(1, row.Attempts));
        Assert.Equal(0, pair.A.Get<OutboxWorker>().Publisher.DuplicateAcks + pair.B.Get<OutboxWorker>().Publisher.DuplicateAcks);
    }
}
