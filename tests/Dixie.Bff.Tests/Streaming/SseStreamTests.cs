using System.Net;
using System.Text.Json;
using Dixie.Bff.Tests.Support;

namespace Dixie.Bff.Tests.Streaming;

public sealed class SseStreamTests
{
    private const string Golden = "Emulated reply [986c1428cb2bd8eb]: Hello, what is Berachain?";

    [Fact]
    public async Task Stream_yields_chunks_then_done()
    {
        var finn = await SharedEmulator.GetAsync();
        await using var host = await StreamHost.StartAsync(finn.BaseUrl);

        await using var stream = await host.OpenAsync("Hello, what is Berachain?", requestId: "req-sse-1");
        Assert.Equal(HttpStatusCode.OK, stream.Response.StatusCode);
        Assert.Equal("text/event-stream; charset=utf-8", stream.Response.Content.Headers.ContentType!.ToString());
        Assert.Equal("no-cache, no-transform", stream.Response.Headers.NonValidated["Cache-Control"].ToString());
        Assert.Equal("no", stream.Response.Headers.GetValues("X-Accel-Buffering").Single());
        Assert.Equal("req-sse-1", stream.Response.Headers.GetValues("X-Request-Id").Single());
        var sessionId = stream.Response.Headers.GetValues("X-Session-Id").Single();

        var events = await stream.ReadToEndAsync();
        Assert.Equal(["chunk", "chunk", "chunk", "chunk", "done"], events.Select(e => e.Event));
        Assert.Equal(["Emulated reply [", "986c1428cb2bd8eb", "]: Hello, what i", "s Berachain?"],
            events.SkipLast(1).Select(e => e.Data.GetProperty("content").GetString()));
        var done = events[^1].Data;
        Assert.Equal(sessionId, done.GetProperty("sessionId").GetString());
        Assert.Equal("req-sse-1", done.GetProperty("messageId").GetString());
        Assert.Equal(Golden, done.GetProperty("content").GetString());
        Assert.Equal(1, await host.MessageCountAsync(sessionId));
        var signal = Assert.Single(await WsProxyTests.SignalsAsync(host, sessionId));
        Assert.Equal("req-sse-1", signal.GetProperty("message_id").GetString());
        Assert.Equal("api_key", signal.GetProperty("caller_kind").GetString());
        Assert.Equal(JsonValueKind.Null, signal.GetProperty("wallet_hash").ValueKind);
        Assert.True(signal.GetProperty("new_session").GetBoolean());
        Assert.True(signal.GetProperty("streamed").GetBoolean());
        Assert.Equal(Golden.Length, signal.GetProperty("response_chars").GetInt32());

        await using var followUp = await host.OpenAsync("Hello, what is Berachain?", sessionId);
        Assert.Equal("done", (await followUp.ReadToEndAsync())[^1].Event);
        Assert.Equal(2, await host.MessageCountAsync(sessionId));
        var turns = host.Logs.Events("chat_turn");
        Assert.Equal(2, turns.Count);
        Assert.All(turns, turn =>
        {
            Assert.Equal("sse", turn.String("transport"));
            Assert.Equal("ok", turn.String("outcome"));
            Assert.Equal(sessionId, turn.String("session_id"));
            Assert.Matches("^[0-9a-f]{12}$", turn.String("owner_hash"));
        });
    }

    [Fact]
    public async Task Tool_events_are_translated()
    {
        var finn = await SharedEmulator.GetAsync();
        await using var host = await StreamHost.StartAsync(finn.BaseUrl);

        await using var stream = await host.OpenAsync("please use tool now");
        var events = await stream.ReadToEndAsync();

        Assert.Equal(["tool_call", "tool_result", "chunk", "chunk", "chunk", "chunk", "done"], events.Select(e => e.Event));
        Assert.Equal("""{"name":"echo_tool","args":{"input":"please use tool now"}}""", events[0].Data.GetRawText());
        Assert.Equal("""{"name":"echo_tool","result":"d227d6ea88ee5dbd","isError":false}""", events[1].Data.GetRawText());
        Assert.Equal("Emulated reply [d227d6ea88ee5dbd]: please use tool now", events[^1].Data.GetProperty("content").GetString());
    }

    [Trait("Category", "Faults")]
    [Fact]
    public async Task A_session_finn_no_longer_has_ends_with_session_unavailable()
    {
        await using var finn = await TestEmulator.StartAsync();
        await using var host = await StreamHost.StartAsync(finn.BaseUrl);
        string sessionId;
        await using (var first = await host.OpenAsync("Hello, what is Berachain?"))
        {
            sessionId = first.Response.Headers.GetValues("X-Session-Id").Single();
            Assert.Equal("done", (await first.ReadToEndAsync())[^1].Event);
        }

        // finn restarted without its sessions: it answers the socket with an error frame and close 4004.
        await finn.Admin.ResetAsync();
        await using var again = await host.OpenAsync("Still there?", sessionId);
        var events = await again.ReadToEndAsync();

        var error = Assert.Single(events);
        Assert.Equal("error", error.Event);
        Assert.Equal("""{"code":"session_unavailable","message":"Session is no longer available"}""", error.Data.GetRawText());
        Assert.Equal(1, await host.MessageCountAsync(sessionId));
    }

    [Trait("Category", "Faults")]
    [Theory]
    [InlineData("[[fault:ws-error]]", "upstream_error", "Inference failed")]
    [InlineData("[[fault:ws-drop]]", "upstream_error", "Inference stream ended unexpectedly")]
    public async Task Mid_stream_failures_end_with_error_event(string fault, string code, string message)
    {
        var finn = await SharedEmulator.GetAsync();
        await using var host = await StreamHost.StartAsync(finn.BaseUrl);

        await using var stream = await host.OpenAsync($"fail {fault}");
        var sessionId = stream.Response.Headers.GetValues("X-Session-Id").Single();
        var events = await stream.ReadToEndAsync();

        Assert.Equal(["chunk", "error"], events.Select(e => e.Event));
        Assert.Equal(JsonSerializer.Serialize(new { code, message }), events[^1].Data.GetRawText());
        Assert.Equal(0, await host.MessageCountAsync(sessionId));
        Assert.Empty(await WsProxyTests.SignalsAsync(host, sessionId));
        Assert.Equal("error", host.Logs.Events("chat_turn").Single().String("outcome"));
    }

    [Trait("Category", "Faults")]
    [Fact]
    public async Task Silence_beyond_the_timeout_ends_with_upstream_timeout_and_aborts_upstream()
    {
        await using var finn = await TestEmulator.StartAsync();
        await using var host = await StreamHost.StartAsync(finn.BaseUrl, new() { ["DIXIE_FINN_TIMEOUT_MS"] = "1000" });

        await using var stream = await host.OpenAsync("slow [[fault:delay=5000]]");
        var events = await stream.ReadToEndAsync();

        Assert.Equal("""{"code":"upstream_timeout","message":"Inference timed out"}""", Assert.Single(events).Data.GetRawText());
        await Eventually.TrueAsync(async () => (await finn.Admin.CounterAsync("WS abort")) == 1, TimeSpan.FromSeconds(5), "the abort frame upstream");
    }

    [Fact]
    public async Task Heartbeat_every_15s()
    {
        var finn = await SharedEmulator.GetAsync();
        await using var host = await StreamHost.StartAsync(finn.BaseUrl);

        await using var stream = await host.OpenAsync("paced [[fault:frame-delay=16000]]");
        SseItem? item;
        do
        {
            item = await stream.NextAsync(TimeSpan.FromSeconds(20));
            Assert.NotNull(item);
            Assert.NotEqual("done", item.Event);
        }
        while (item.Comment is null);
        Assert.Equal("keep-alive", item.Comment);
    }
}
