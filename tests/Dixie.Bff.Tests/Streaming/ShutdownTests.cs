using System.Net.WebSockets;
using Dixie.Bff.Tests.Support;

namespace Dixie.Bff.Tests.Streaming;

public sealed class ShutdownTests
{
    [Fact]
    public async Task Stopping_service_ends_an_sse_stream_with_shutting_down()
    {
        var finn = await SharedEmulator.GetAsync();
        var host = await StreamHost.StartAsync(finn.BaseUrl);
        try
        {
            await using var stream = await host.OpenAsync("slow [[fault:frame-delay=2000]]");
            Assert.Equal("chunk", (await stream.NextAsync())!.Event);

            var stopping = host.App.StopAsync();
            var events = await stream.ReadToEndAsync();

            Assert.Equal("""{"code":"shutting_down","message":"Service is restarting; retry"}""", events.Single().Data.GetRawText());
            Assert.Equal("error", events.Single().Event);
            await stopping;
        }
        finally
        {
            await host.DisposeAsync();
        }
    }

    [Fact]
    public async Task Stopping_service_closes_proxied_sockets_with_1001()
    {
        var finn = await SharedEmulator.GetAsync();
        var host = await WsHost.StartAsync(finn.BaseUrl);
        try
        {
            var sessionId = await host.SessionAsync(finn.BaseUrl);
            await using var client = await ProxyClient.ConnectAsync(host.Host, sessionId, await host.TicketAsync());
            await client.SendAsync("""{"type":"prompt","text":"slow [[fault:frame-delay=2000]]"}""");
            Assert.Equal("chunk", (await client.ReceiveFrameAsync()).GetProperty("type").GetString());

            var stopping = host.Host.App.StopAsync();

            Assert.Equal("""{"type":"error","data":{"code":"shutting_down","message":"Service is restarting; retry","recoverable":false}}""",
                (await client.ReceiveFrameAsync()).GetRawText());
            Assert.Null(await client.ReceiveAsync());
            Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, client.Socket.CloseStatus);
            await stopping;
        }
        finally
        {
            await host.DisposeAsync();
        }
    }
}
