using System.Diagnostics;
using System.Net;
using System.Net.WebSockets;
using static Dixie.Bff.Tests.Emulator.FrameAssert;

namespace Dixie.Bff.Tests.Emulator;

public sealed class WebSocketFaultTests
{
    [Fact]
    public async Task Websocket_fault_items()
    {
        await using var finn = await EmulatorFixture.StartAsync();
        var id = await finn.CreateSessionAsync();

        await using (var client = await WebSocketClient.ConnectAsync(finn, $"/ws/{id}"))
        {
            await client.SendAsync("""{"type":"prompt","text":"drop [[fault:ws-drop]]"}""");
            Assert.Equal("text_delta", TypeOf(await client.ReceiveJsonAsync()));
            await Assert.ThrowsAsync<WebSocketException>(() => client.ReceiveAsync());
        }
        foreach (var item in new[] { "ws-error", "status=500" })
        {
            await using var client = await WebSocketClient.ConnectAsync(finn, $"/ws/{id}");
            await client.SendAsync($$"""{"type":"prompt","text":"fail [[fault:{{item}}]]"}""");
            Assert.Equal("text_delta", TypeOf(await client.ReceiveJsonAsync()));
            AssertError(await client.ReceiveJsonAsync(), "Emulated failure", recoverable: false);
            Assert.Equal((WebSocketCloseStatus.InternalServerError, "Emulated failure"), await client.ReceiveCloseAsync());
        }
        await using (var client = await WebSocketClient.ConnectAsync(finn, $"/ws/{id}"))
        {
            var clock = Stopwatch.StartNew();
            await client.SendAsync("""{"type":"prompt","text":"wait [[fault:delay=300]]"}""");
            Assert.Equal("text_delta", TypeOf(await client.ReceiveJsonAsync()));
            Assert.True(clock.ElapsedMilliseconds >= 290, $"{clock.ElapsedMilliseconds} ms");

            await client.ReceiveThroughAsync("agent_end");
            await client.SendAsync("""{"type":"prompt","text":"paced [[fault:frame-delay=100]]"}""");
            Assert.Equal("text_delta", TypeOf(await client.ReceiveJsonAsync()));
            clock.Restart();
            Assert.Equal("text_delta", TypeOf(await client.ReceiveJsonAsync()));
            Assert.True(clock.ElapsedMilliseconds >= 90, $"{clock.ElapsedMilliseconds} ms");
            await client.ReceiveThroughAsync("turn_end");
            clock.Restart();
            Assert.Equal("agent_end", TypeOf(await client.ReceiveJsonAsync()));
            Assert.True(clock.ElapsedMilliseconds >= 90, $"turn_end to agent_end took {clock.ElapsedMilliseconds} ms");

            await client.SendAsync("""{"type":"prompt","text":"odd [[fault:nonjson]]"}""");
            Assert.Equal("emulated non-JSON frame", await client.ReceiveAsync());
            Assert.Equal("text_delta", TypeOf(await client.ReceiveJsonAsync()));
            await client.ReceiveThroughAsync("agent_end");

            await client.SendAsync("""{"type":"prompt","text":"cut [[fault:close]]"}""");
            await Assert.ThrowsAsync<WebSocketException>(() => client.ReceiveAsync());
        }

        Assert.Equal(HttpStatusCode.ServiceUnavailable,
            await WebSocketClient.RefusedUpgradeAsync(finn, $"/ws/{id}", o => o.SetRequestHeader("X-Emulator-Fault", "status=503")));
        await finn.SetFaultAsync("""{"mode":"down","path":"/ws/"}""");
        await WebSocketClient.RefusedUpgradeAsync(finn, $"/ws/{id}");
        Assert.Equal(HttpStatusCode.OK, (await finn.GetAsync("/health")).StatusCode);

        using var upgrades = await finn.GetJsonAsync("/_emulator/requests?kind=ws_upgrade");
        var outcomes = upgrades.RootElement.GetProperty("requests").EnumerateArray().Select(e => e.GetProperty("outcome").GetString()).ToList();
        Assert.Equal("rejected:503", outcomes[^2]);
        Assert.Equal("aborted", outcomes[^1]);
    }
}
