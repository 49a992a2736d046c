using System.Net;
using System.Text.Json;
using Dixie.Bff.Features.Chat.WebSocket;
using Dixie.Bff.Infrastructure.Redis;
using Dixie.Bff.Tests.Support;

namespace Dixie.Bff.Tests.Streaming;

[Trait("Category", "Security")]
public sealed class WsTicketTests
{
    [Fact]
    public async Task Ticket_format_and_single_use()
    {
        var finn = await SharedEmulator.GetAsync();
        await using var host = await WsHost.StartAsync(finn.BaseUrl);

        var response = await host.PostTicketAsync(host.Token());
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("no-store", response.Headers.CacheControl!.ToString());
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        var ticket = body.GetProperty("ticket").GetString()!;
        Assert.Matches("^wst_[0-9a-f]{48}$", ticket);
        Assert.Equal(30, body.GetProperty("expires_in").GetInt32());
        Assert.Equal(["ticket", "expires_in"], body.EnumerateObject().Select(p => p.Name));

        var sessionId = await host.SessionAsync(finn.BaseUrl);
        await using (var client = await ProxyClient.ConnectAsync(host.Host, sessionId, ticket))
            Assert.Equal(System.Net.WebSockets.WebSocketState.Open, client.Socket.State);
        var second = await ProxyClient.UpgradeAsync(host.Host, $"/ws/chat/{sessionId}?ticket={ticket}");
        Assert.Equal(401, second.Status);
        Assert.Equal("""{"error":"invalid_ticket","message":"Invalid or expired ticket"}""", second.Body);

        var store = host.Host.Get<WsTicketStore>();
        var other = await host.TicketAsync();
        var first = await store.ConsumeAsync(other);
        Assert.Equal(WsTicketRedemption.Consumed, first.Outcome);
        Assert.Equal(host.Wallet, first.Record!.Wallet);
        Assert.Equal(WsTicketRedemption.NotFound, (await store.ConsumeAsync(other)).Outcome);
        Assert.DoesNotContain(ticket, host.Host.Logs.AllText);
        Assert.Contains(host.Host.Logs.Events("ws_ticket_rejected"), line => line.String("reason") == "invalid_ticket");
    }

    [Fact]
    public async Task Ticket_cap_is_five_outstanding()
    {
        var finn = await SharedEmulator.GetAsync();
        await using var host = await WsHost.StartAsync(finn.BaseUrl);
        var token = host.Token();

        var tickets = new List<string>();
        for (var i = 0; i < 5; i++) tickets.Add(await host.TicketAsync(token));
        var refused = await host.PostTicketAsync(token);
        var body = await ErrorAssert.IsErrorAsync(refused, HttpStatusCode.TooManyRequests, "rate_limited", "Too many outstanding tickets for this wallet");
        var retryAfter = body.GetProperty("retry_after").GetInt32();
        Assert.InRange(retryAfter, 1, 30);
        Assert.Equal(retryAfter.ToString(System.Globalization.CultureInfo.InvariantCulture), refused.Headers.GetValues("Retry-After").Single());

        // A redeemed ticket frees its slot at once.
        Assert.Equal(WsTicketRedemption.Consumed, (await host.Host.Get<WsTicketStore>().ConsumeAsync(tickets[0])).Outcome);
        await host.TicketAsync(token);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await host.PostTicketAsync(token)).StatusCode);

        // An expired ticket never counts: age one index entry past its expiry, as 30 s would.
        var index = host.Host.Get<RedisConnection>().Database;
        await index.SortedSetAddAsync(RedisKeys.WsTicketsByWallet + host.Wallet, tickets[1], 1);
        await host.TicketAsync(token);
    }

    [Fact]
    public async Task Ticket_needs_wallet()
    {
        var finn = await SharedEmulator.GetAsync();
        await using var host = await WsHost.StartAsync(finn.BaseUrl);

        var response = await host.PostTicketAsync(host.ApiKey);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("""{"error":"unauthorized","message":"Wallet authentication required"}""", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Tickets_without_redis_follow_the_same_rules()
    {
        var finn = await SharedEmulator.GetAsync();
        await using var host = await WsHost.StartAsync(finn.BaseUrl, redis: false);
        var token = host.Token();

        var tickets = new List<string>();
        for (var i = 0; i < 5; i++) tickets.Add(await host.TicketAsync(token));
        Assert.Equal(HttpStatusCode.TooManyRequests, (await host.PostTicketAsync(token)).StatusCode);
        var store = host.Host.Get<WsTicketStore>();
        Assert.Equal(WsTicketRedemption.Consumed, (await store.ConsumeAsync(tickets[0])).Outcome);
        Assert.Equal(WsTicketRedemption.NotFound, (await store.ConsumeAsync(tickets[0])).Outcome);
        await host.TicketAsync(token);
    }

    [Fact]
    public async Task Ticket_store_down_is_503()
    {
        var finn = await SharedEmulator.GetAsync();
        await using var host = await WsHost.StartAsync(finn.BaseUrl, new() { ["REDIS_URL"] = "redis://127.0.0.1:1" });

        var response = await host.PostTicketAsync(host.Token());

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("""{"error":"ticket_store_unavailable","message":"WebSocket tickets temporarily unavailable"}""", await response.Content.ReadAsStringAsync());
    }
}
