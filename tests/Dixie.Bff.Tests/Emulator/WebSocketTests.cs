using System.Diagnostics;
using System.Net;
using System.Net.WebSockets;
using System.Text.Json;
using Dixie.FinnEmulator.Hosting;
using static Dixie.Bff.Tests.Emulator.FrameAssert;

namespace Dixie.Bff.Tests.Emulator;

public sealed class WebSocketTests
{
    [Fact]
    public async Task Websocket_turn_sequence()
    {
        await using var finn = await EmulatorFixture.StartAsync();
        var id = await finn.CreateSessionAsync();
        await using var client = await WebSocketClient.ConnectAsync(finn, $"/ws/{id}");

        await client.SendAsync("""{"type":"prompt","text":"please use tool now"}""");
        var frames = await client.ReceiveThroughAsync("agent_end");
        Assert.Equal(["tool_start", "tool_end", "text_delta", "text_delta", "text_delta", "text_delta", "turn_end", "agent_end"],
            frames.Select(TypeOf));
        var start = frames[0].GetProperty("data");
        Assert.Equal("echo_tool", start.GetProperty("toolName").GetString());
        Assert.Equal("please use tool now", start.GetProperty("args").GetProperty("input").GetString());
        var end = frames[1].GetProperty("data");
        Assert.Equal("echo_tool", end.GetProperty("toolName").GetString());
        Assert.Equal("d227d6ea88ee5dbd", end.GetProperty("result").GetString());
        Assert.False(end.GetProperty("isError").GetBoolean());
        Assert.Equal("{}", frames[^2].GetProperty("data").GetRawText());
        Assert.Equal("{}", frames[^1].GetProperty("data").GetRawText());

        // isStreaming holds from the prompt to agent_end; two prompts are answered in order.
        await client.SendAsync("""{"type":"prompt","text":"slow [[fault:frame-delay=150]]"}""");
        await client.SendAsync("""{"type":"prompt","text":"queued"}""");
        Assert.Equal("text_delta", TypeOf(await client.ReceiveJsonAsync()));
        using (var during = await finn.GetJsonAsync($"/api/sessions/{id}"))
        {
            Assert.True(during.RootElement.GetProperty("isStreaming").GetBoolean());
        }
        var slow = await client.ReceiveThroughAsync("agent_end");
        Assert.DoesNotContain(slow, f => TypeOf(f) == "tool_start");
        var queued = await client.ReceiveThroughAsync("agent_end");
        var text = string.Concat(queued.Where(f => TypeOf(f) == "text_delta").Select(f => f.GetProperty("data").GetProperty("delta").GetString()));
        Assert.Equal("Emulated reply [" + Dixie.FinnEmulator.Replies.Reply.Digest("queued") + "]: queued", text);

        using var after = await finn.GetJsonAsync($"/api/sessions/{id}");
        Assert.False(after.RootElement.GetProperty("isStreaming").GetBoolean());
        Assert.Equal(6, after.RootElement.GetProperty("messageCount").GetInt32());
    }

    [Fact]
    public async Task Websocket_control_frames()
    {
        await using var finn = await EmulatorFixture.StartAsync();
        var id = await finn.CreateSessionAsync();
        await using var client = await WebSocketClient.ConnectAsync(finn, $"/ws/{id}");

        await client.SendAsync("""{"type":"ping"}""");
        Assert.Equal("""{"type":"pong"}""", await client.ReceiveAsync());

        await client.SendAsync("""{"type":"prompt","text":"abort me [[fault:frame-delay=200]]"}""");
        Assert.Equal("text_delta", TypeOf(await client.ReceiveJsonAsync()));
        await client.SendAsync("""{"type":"abort"}""");
        Assert.Equal("agent_end", TypeOf(await client.ReceiveJsonAsync()));

        // An abort right behind its prompt stops the turn even before it has started.
        await client.SendAsync("""{"type":"prompt","text":"abort me at once [[fault:frame-delay=200]]"}""");
        await client.SendAsync("""{"type":"abort"}""");
        var aborted = await client.ReceiveThroughAsync("agent_end");
        Assert.True(aborted.Count(f => TypeOf(f) == "text_delta") <= 1, string.Join(" ", aborted.Select(TypeOf)));

        foreach (var empty in new[] { """{"type":"prompt","text":"  "}""", """{"type":"prompt"}""", """{"type":"prompt","text":7}""" })
        {
            await client.SendAsync(empty);
            AssertError(await client.ReceiveJsonAsync(), "Empty prompt", recoverable: true);
        }
        await client.SendAsync("{nope");
        AssertError(await client.ReceiveJsonAsync(), "Invalid JSON", recoverable: true);
        await client.SendAsync("""{"type":"dance"}""");
        AssertError(await client.ReceiveJsonAsync(), "Unknown message type: dance", recoverable: true);
        // steer is accepted silently: the next frame answers the ping after it.
        await client.SendAsync("""{"type":"steer","text":"left"}""");
        await client.SendAsync("""{"type":"ping"}""");
        Assert.Equal("""{"type":"pong"}""", await client.ReceiveAsync());

        await client.SendAsync(new string('x', 1024 * 1024 + 1));
        var (status, description) = await client.ReceiveCloseAsync();
        Assert.Equal(WebSocketCloseStatus.MessageTooBig, status);
        Assert.Equal("Message too large", description);
    }

    [Fact]
    public async Task Exactly_one_mebibyte_is_accepted()
    {
        await using var finn = await EmulatorFixture.StartAsync();
        var id = await finn.CreateSessionAsync();
        await using var client = await WebSocketClient.ConnectAsync(finn, $"/ws/{id}");
        var padding = new string(' ', 1024 * 1024 - """{"type":"ping"}""".Length);
        await client.SendAsync("""{"type":"ping"}""" + padding);
        Assert.Equal("""{"type":"pong"}""", await client.ReceiveAsync());
    }

    [Fact]
    public async Task Idle_websocket_is_closed()
    {
        await using var finn = await EmulatorFixture.StartAsync(new EmulatorOptions { WsIdleSeconds = 1 });
        var id = await finn.CreateSessionAsync();
        await using var client = await WebSocketClient.ConnectAsync(finn, $"/ws/{id}");
        var clock = Stopwatch.StartNew();
        var (status, description) = await client.ReceiveCloseAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(WebSocketCloseStatus.NormalClosure, status);
        Assert.Equal("Idle timeout", description);
        Assert.InRange(clock.Elapsed.TotalSeconds, 0.8, 5);
    }

    [Fact]
    public async Task Websocket_unknown_session_and_paths()
    {
        await using var finn = await EmulatorFixture.StartAsync();
        var id = await finn.CreateSessionAsync();

        await using (var unknown = await WebSocketClient.ConnectAsync(finn, "/ws/01J0000000000000000000000X"))
        {
            AssertError(await unknown.ReceiveJsonAsync(), "Session not found", recoverable: false);
            Assert.Equal(((WebSocketCloseStatus)4004, "Session not found"), await unknown.ReceiveCloseAsync());
        }
        await using (var lenient = await WebSocketClient.ConnectAsync(finn, $"/ws/chat/{id}"))
        {
            await lenient.SendAsync("""{"type":"ping"}""");
            Assert.Equal("""{"type":"pong"}""", await lenient.ReceiveAsync());
        }

        await using var strictFinn = await EmulatorFixture.StartAsync(new EmulatorOptions { Strict = true });
        var strictId = await strictFinn.CreateSessionAsync();
        await using (var strict = await WebSocketClient.ConnectAsync(strictFinn, $"/ws/chat/{strictId}"))
        {
            AssertError(await strict.ReceiveJsonAsync(), "Session not found", recoverable: false);
            Assert.Equal((WebSocketCloseStatus)4004, (await strict.ReceiveCloseAsync()).Status);
        }
        await using var direct = await WebSocketClient.ConnectAsync(strictFinn, $"/ws/{strictId}");
        await direct.SendAsync("""{"type":"ping"}""");
        Assert.Equal("""{"type":"pong"}""", await direct.ReceiveAsync());

        using var upgrades = await strictFinn.GetJsonAsync("/_emulator/requests?kind=ws_upgrade");
        Assert.Equal(["chat/" + strictId, strictId],
            upgrades.RootElement.GetProperty("requests").EnumerateArray().Select(e => e.GetProperty("sessionId").GetString()));
    }

    [Fact]
    public async Task Websocket_per_ip_cap()
    {
        await using var finn = await EmulatorFixture.StartAsync();
        var id = await finn.CreateSessionAsync();
        var open = new List<WebSocketClient>();
        try
        {
            for (var i = 0; i < 5; i++)
            {
                open.Add(await WebSocketClient.ConnectAsync(finn, $"/ws/{id}", o => o.SetRequestHeader("X-Forwarded-For", "203.0.113.7, 10.0.0.1")));
            }
            await using (var sixth = await WebSocketClient.ConnectAsync(finn, $"/ws/{id}", o => o.SetRequestHeader("X-Forwarded-For", "203.0.113.7")))
            {
                Assert.Equal(((WebSocketCloseStatus)4029, "Too many connections from this IP"), await sixth.ReceiveCloseAsync());
            }
            await using (var other = await WebSocketClient.ConnectAsync(finn, $"/ws/{id}", o => o.SetRequestHeader("X-Forwarded-For", "198.51.100.2")))
            {
                await other.SendAsync("""{"type":"ping"}""");
                Assert.Equal("""{"type":"pong"}""", await other.ReceiveAsync());
            }
            // CF-Connecting-IP comes before X-Forwarded-For.
            await using (var cloudflare = await WebSocketClient.ConnectAsync(finn, $"/ws/{id}", o =>
            {
                o.SetRequestHeader("CF-Connecting-IP", "203.0.113.7");
                o.SetRequestHeader("X-Forwarded-For", "198.51.100.3");
            }))
            {
                Assert.Equal((WebSocketCloseStatus)4029, (await cloudflare.ReceiveCloseAsync()).Status);
            }

            // A closed connection frees its slot.
            await open[0].DisposeAsync();
            open.RemoveAt(0);
            await Task.Delay(200);
            await using var again = await WebSocketClient.ConnectAsync(finn, $"/ws/{id}", o => o.SetRequestHeader("X-Forwarded-For", "203.0.113.7"));
            await again.SendAsync("""{"type":"ping"}""");
            Assert.Equal("""{"type":"pong"}""", await again.ReceiveAsync());
        }
        finally
        {
            foreach (var client in open)
            {
                await client.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Websocket_bearer_like_finn()
    {
        await using var finn = await EmulatorFixture.StartAsync(new EmulatorOptions { AuthToken = "s3cret-token" });
        using var create = new HttpRequestMessage(HttpMethod.Post, "/api/sessions");
        create.Headers.TryAddWithoutValidation("Authorization", "Bearer s3cret-token");
        using var created = await finn.Http.SendAsync(create);
        var id = (await EmulatorFixture.ReadJsonAsync(created)).RootElement.GetProperty("sessionId").GetString();

        Assert.Equal(HttpStatusCode.Unauthorized, await WebSocketClient.RefusedUpgradeAsync(finn, $"/ws/{id}"));
        Assert.Equal(HttpStatusCode.Unauthorized, await WebSocketClient.RefusedUpgradeAsync(finn, $"/ws/{id}?token=wrong"));

        await using (var client = await WebSocketClient.ConnectAsync(finn, $"/ws/{id}?token=s3cret-token"))
        {
            // Frames before the token frame are processed, as finn does.
            await client.SendAsync("""{"type":"ping"}""");
            Assert.Equal("""{"type":"pong"}""", await client.ReceiveAsync());
            await client.SendAsync("""{"token":"s3cret-token"}""");
            Assert.Equal("""{"type":"authenticated","data":{}}""", await client.ReceiveAsync());
        }
        await using (var client = await WebSocketClient.ConnectAsync(finn, $"/ws/{id}?token=s3cret-token"))
        {
            await client.SendAsync("""{"token":"wrong"}""");
            AssertError(await client.ReceiveJsonAsync(), "Unauthorized", recoverable: false);
            Assert.Equal(((WebSocketCloseStatus)4001, "Unauthorized"), await client.ReceiveCloseAsync());
        }
    }

    [Fact]
    public async Task Reset_closes_websockets_with_1001()
    {
        await using var finn = await EmulatorFixture.StartAsync();
        var id = await finn.CreateSessionAsync();
        await using var client = await WebSocketClient.ConnectAsync(finn, $"/ws/{id}");
        (await finn.Http.PostAsync("/_emulator/reset", null)).Dispose();
        Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, (await client.ReceiveCloseAsync()).Status);
    }

    [Fact]
    public async Task Shutdown_closes_websockets_with_1001()
    {
        var finn = await EmulatorFixture.StartAsync();
        var id = await finn.CreateSessionAsync();
        await using var client = await WebSocketClient.ConnectAsync(finn, $"/ws/{id}");
        var clock = Stopwatch.StartNew();
        var stopping = finn.DisposeAsync().AsTask();
        Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, (await client.ReceiveCloseAsync()).Status);
        await stopping;
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3), $"{clock.ElapsedMilliseconds} ms");
    }
}
