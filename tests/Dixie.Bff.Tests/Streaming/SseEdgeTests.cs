using System.Net;
using System.Text.Json;
using Dixie.Bff.Tests.Support;
using Dixie.FinnEmulator.Hosting;

namespace Dixie.Bff.Tests.Streaming;

public sealed class SseEdgeTests
{
    [Trait("Category", "Faults")]
    [Fact]
    public async Task Client_disconnect_aborts_upstream()
    {
        // One upstream socket per client IP: a socket left open would make every later stream fail with 4029.
        await using var finn = await TestEmulator.StartAsync(new EmulatorOptions { WsPerIp = 1 });
        await using var host = await StreamHost.StartAsync(finn.BaseUrl);

        string sessionId;
        await using (var stream = await host.OpenAsync("Hello, what is Berachain? [[fault:frame-delay=400]]"))
        {
            sessionId = stream.Response.Headers.GetValues("X-Session-Id").Single();
            Assert.Equal("chunk", (await stream.NextAsync())!.Event);
        }

        await Eventually.TrueAsync(async () => await finn.Admin.CounterAsync("WS abort") == 1, TimeSpan.FromSeconds(10), "the abort frame upstream");
        var turn = await host.Logs.WaitForAsync("chat_turn");
        Assert.Equal("disconnected", turn.String("outcome"));
        Assert.Equal(0, await host.MessageCountAsync(sessionId));

        var events = await Eventually.ValueAsync(async () =>
        {
            await using var again = await host.OpenAsync("Hello, what is Berachain?", sessionId);
            return await again.ReadToEndAsync();
        }, events => events[^1].Event == "done", TimeSpan.FromSeconds(10), events => string.Join("\n", events));
        Assert.Equal(1, await host.MessageCountAsync(sessionId));
        Assert.Equal(1, await finn.Admin.CounterAsync("WS abort"));
    }

    [Trait("Category", "Security")]
    [Fact]
    public async Task Pre_stream_errors_are_json()
    {
        await using var finn = await TestEmulator.StartAsync();
        await using var host = await StreamHost.StartAsync(finn.BaseUrl);

        await using (var missing = await host.OpenAsync("hi", sessionId: "01JH5Z8Q3V7K2M4N6P8R0T2W4Y"))
            await ErrorAssertAsync(missing, HttpStatusCode.NotFound, """{"error":"not_found","message":"Session not found"}""");
        var theirs = "s" + Guid.NewGuid().ToString("N");
        var someoneElse = new Dixie.Bff.Features.Chat.ChatOwner("dxk_someoneel", Dixie.Bff.Infrastructure.Outbox.CallerKind.ApiKey);
        Assert.True(await host.Get<Dixie.Bff.Features.Chat.ChatSessionStore>().CreateAsync(theirs, someoneElse, CancellationToken.None));
        await using (var foreign = await host.OpenAsync("hi", theirs))
            await ErrorAssertAsync(foreign, HttpStatusCode.NotFound, """{"error":"not_found","message":"Session not found"}""");

        await finn.Admin.SetFaultAsync("down", path: "/ws/");
        await using (var down = await host.OpenAsync("hi"))
            await ErrorAssertAsync(down, HttpStatusCode.ServiceUnavailable, "upstream_error", "Backend service unavailable", withSession: true);

        await finn.Admin.SetFaultAsync("error", status: 401, path: "/ws/");
        await using (var refused = await host.OpenAsync("hi"))
            await ErrorAssertAsync(refused, HttpStatusCode.BadGateway, "upstream_error", "Upstream error (HTTP 401)", withSession: true);
        Assert.Equal(2, host.Logs.Events("chat_turn").Count(turn => turn.String("outcome") == "error"));
    }

    [Fact]
    public async Task Open_circuit_is_answered_before_the_stream()
    {
        await using var finn = await TestEmulator.StartAsync();
        await using var host = await StreamHost.StartAsync(finn.BaseUrl);
        // A session made without dixie's HTTP client, so only the handshakes below feed the breaker.
        var sessionId = await host.SeedSessionAsync(finn.BaseUrl);

        await finn.Admin.SetFaultAsync("error", status: 500, path: "/ws/");
        for (var i = 0; i < 5; i++)
        {
            await using var failed = await host.OpenAsync("hi", sessionId);
            await ErrorAssertAsync(failed, HttpStatusCode.BadGateway, """{"error":"upstream_error","message":"Upstream error (HTTP 500)"}""");
        }
        await using var open = await host.OpenAsync("hi", sessionId);
        await ErrorAssertAsync(open, HttpStatusCode.ServiceUnavailable,
            """{"error":"circuit_open","message":"Service temporarily unavailable (circuit breaker open)"}""");
        Assert.Equal("10", open.Response.Headers.GetValues("Retry-After").Single());
        Assert.Equal(5, await finn.Admin.CounterAsync("WS /ws/{id}"));
        Assert.Equal("open", host.Logs.Events("circuit_breaker_transition").Single().String("to"));
    }

    private static async Task ErrorAssertAsync(SseEvents response, HttpStatusCode status, string error, string message, bool withSession)
    {
        Assert.Equal(status, response.Response.StatusCode);
        Assert.StartsWith("application/json", response.Response.Content.Headers.ContentType!.ToString());
        var body = JsonDocument.Parse(await response.BodyAsync()).RootElement;
        Assert.Equal(error, body.GetProperty("error").GetString());
        Assert.Equal(message, body.GetProperty("message").GetString());
        Assert.Equal(withSession, body.TryGetProperty("sessionId", out var id) && id.GetString()!.Length == 26);
    }

    private static async Task ErrorAssertAsync(SseEvents response, HttpStatusCode status, string exactBody)
    {
        Assert.Equal(status, response.Response.StatusCode);
        Assert.Equal(exactBody, await response.BodyAsync());
    }
}
