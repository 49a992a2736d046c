using Dixie.Bff.Tests.Streaming;
using Dixie.Bff.Tests.Support;
using Dixie.FinnEmulator.Hosting;

namespace Dixie.Bff.Tests.Faults;

/// <summary>
/// Spec 13 F9 for the WebSocket proxy (the SSE half is Streaming/SseEdgeTests): a client that drops
/// mid-turn gets the turn aborted upstream and finn's socket closed — with one upstream socket
/// allowed per address, a leaked one would refuse the next connection.
/// </summary>
[Trait("Category", "Faults")]
public sealed class WsDisconnectTests
{
    [Fact]
    public async Task Client_dropping_mid_turn_aborts_upstream_and_leaks_no_socket()
    {
        await using var finn = await TestEmulator.StartAsync(new EmulatorOptions { WsPerIp = 1 });
        await using var host = await WsHost.StartAsync(finn.BaseUrl);
        var sessionId = await host.SessionAsync(finn.BaseUrl);

        var dropped = await ProxyClient.ConnectAsync(host.Host, sessionId, await host.TicketAsync());
        await dropped.SendAsync("""{"type":"prompt","text":"long [[fault:frame-delay=400]]"}""");
        Assert.Equal("chunk", (await dropped.ReceiveFrameAsync()).GetProperty("type").GetString());
        dropped.Socket.Abort();
        dropped.Socket.Dispose();

        await Eventually.TrueAsync(async () => await finn.Admin.CounterAsync("WS abort") == 1, TimeSpan.FromSeconds(10), "the abort frame upstream");
        var turn = await host.Host.Logs.WaitForAsync("chat_turn");
        Assert.Equal("disconnected", turn.String("outcome"));
        Assert.Equal(0, await host.MessageCountAsync(sessionId));

        // The only upstream slot is free again: a new client completes a turn.
        await Eventually.TrueAsync(async () =>
        {
            try
            {
                await using var again = await ProxyClient.ConnectAsync(host.Host, sessionId, await host.TicketAsync());
                await again.SendAsync("""{"type":"prompt","text":"Tell me about BGT."}""");
                return (await again.ReceiveThroughAsync("done"))[^1].GetProperty("type").GetString() == "done";
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // Refused while finn still holds the old socket: try again.
                return false;
            }
        }, TimeSpan.FromSeconds(10), "a turn on a new connection");
        Assert.Equal(1, await host.MessageCountAsync(sessionId));
    }
}
