using System.Net;
using System.Text.Json;

namespace Dixie.Bff.Tests.Emulator;

public sealed class AdminTests
{
    [Fact]
    public async Task Request_log_records_headers_bodies_and_frames()
    {
        await using var finn = await EmulatorFixture.StartAsync();
        using (var request = new HttpRequestMessage(HttpMethod.Post, "/api/sessions?trace=1")
        {
            Content = new StringContent("""{"agentId":"oracle"}""", System.Text.Encoding.UTF8, "application/json"),
        })
        {
            request.Headers.TryAddWithoutValidation("X-Req-Hash", "sha256:a95ea0e5ee69852fb8defb94c71cbe978d69564ba0ee4d512a875e694051547e");
            request.Headers.TryAddWithoutValidation("X-Idempotency-Key", "0da813ecd95892814a6b7dc34ad11d22cc009c6d05d9453b98b2fa263e694822");
            request.Headers.TryAddWithoutValidation("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
            request.Headers.TryAddWithoutValidation("Authorization", "Bearer anything");
            (await finn.Http.SendAsync(request)).Dispose();
        }

        using var log = await finn.GetJsonAsync("/_emulator/requests");
        var entry = Assert.Single(log.RootElement.GetProperty("requests").EnumerateArray());
        Assert.Equal("http", entry.GetProperty("kind").GetString());
        Assert.Equal("POST", entry.GetProperty("method").GetString());
        Assert.Equal("/api/sessions", entry.GetProperty("path").GetString());
        Assert.Equal("trace=1", entry.GetProperty("query").GetString());
        var headers = entry.GetProperty("headers");
        Assert.Equal("sha256:a95ea0e5ee69852fb8defb94c71cbe978d69564ba0ee4d512a875e694051547e", headers.GetProperty("x-req-hash").GetString());
        Assert.Equal("0da813ecd95892814a6b7dc34ad11d22cc009c6d05d9453b98b2fa263e694822", headers.GetProperty("x-idempotency-key").GetString());
        Assert.Equal("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", headers.GetProperty("traceparent").GetString());
        Assert.Equal("Bearer anything", headers.GetProperty("authorization").GetString());
        Assert.Equal("""{"agentId":"oracle"}""", entry.GetProperty("body").GetString());
        Assert.False(entry.GetProperty("bodyTruncated").GetBoolean());
        Assert.Equal("127.0.0.1", entry.GetProperty("remoteIp").GetString());
        Assert.Equal(201, entry.GetProperty("status").GetInt32());
        Assert.True(entry.GetProperty("durationMs").GetDouble() >= 0);

        await WebSocketClient.PromptThenAbortAsync(finn);
        using var frames = await finn.GetJsonAsync("/_emulator/requests?kind=ws_frame");
        var frameTexts = frames.RootElement.GetProperty("requests").EnumerateArray().Select(f => f.GetProperty("frame").GetString()).ToList();
        Assert.Contains(frameTexts, f => f!.Contains("\"prompt\"", StringComparison.Ordinal));
        Assert.Contains(frameTexts, f => f!.Contains("\"abort\"", StringComparison.Ordinal));
        using var upgrades = await finn.GetJsonAsync("/_emulator/requests?kind=ws_upgrade");
        Assert.Equal("accepted", Assert.Single(upgrades.RootElement.GetProperty("requests").EnumerateArray()).GetProperty("outcome").GetString());

        // A 20 KiB body is kept to 16 KiB.
        var large = "{\"text\":\"" + new string('x', 20 * 1024) + "\"}";
        (await finn.PostJsonAsync("/api/sessions", large)).Dispose();
        using (var truncated = await finn.GetJsonAsync("/_emulator/requests?kind=http&limit=1"))
        {
            var last = Assert.Single(truncated.RootElement.GetProperty("requests").EnumerateArray());
            Assert.True(last.GetProperty("bodyTruncated").GetBoolean());
            Assert.Equal(16 * 1024, last.GetProperty("body").GetString()!.Length);
        }

        for (var i = 0; i < 250; i++)
        {
            (await finn.GetAsync($"/health?n={i}")).Dispose();
        }
        using var full = await finn.GetJsonAsync("/_emulator/requests");
        var kept = full.RootElement.GetProperty("requests").EnumerateArray().ToList();
        Assert.Equal(200, kept.Count);
        Assert.Equal("n=50", kept[0].GetProperty("query").GetString());
        Assert.Equal("n=249", kept[^1].GetProperty("query").GetString());
        var seqs = kept.Select(e => e.GetProperty("seq").GetInt64()).ToList();
        Assert.Equal(Enumerable.Range(0, 200).Select(i => seqs[0] + i), seqs);

        using var page = await finn.GetJsonAsync($"/_emulator/requests?since={seqs[9]}&limit=3");
        Assert.Equal(seqs[10..13], page.RootElement.GetProperty("requests").EnumerateArray().Select(e => e.GetProperty("seq").GetInt64()));
        using var filtered = await finn.GetJsonAsync("/_emulator/requests?path=/api/&kind=http");
        Assert.Empty(filtered.RootElement.GetProperty("requests").EnumerateArray());
        Assert.Equal(HttpStatusCode.BadRequest, (await finn.GetAsync("/_emulator/requests?limit=201")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await finn.GetAsync("/_emulator/requests?kind=other")).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await finn.Http.DeleteAsync("/_emulator/requests")).StatusCode);
        using var cleared = await finn.GetJsonAsync("/_emulator/requests");
        Assert.Empty(cleared.RootElement.GetProperty("requests").EnumerateArray());
    }

    [Fact]
    public async Task Healthz_and_admin_calls_are_not_recorded_or_counted()
    {
        await using var finn = await EmulatorFixture.StartAsync();
        (await finn.GetAsync("/healthz")).Dispose();
        (await finn.GetAsync("/_emulator/faults")).Dispose();
        using var log = await finn.GetJsonAsync("/_emulator/requests");
        Assert.Empty(log.RootElement.GetProperty("requests").EnumerateArray());
        using var counters = await finn.GetJsonAsync("/_emulator/counters");
        Assert.Empty(counters.RootElement.EnumerateObject());
    }

    [Fact]
    public async Task Counters_and_reset()
    {
        await using var finn = await EmulatorFixture.StartAsync();
        var id = await finn.CreateSessionAsync();
        (await finn.PostJsonAsync($"/api/sessions/{id}/message", """{"text":"one"}""")).Dispose();
        (await finn.PostJsonAsync($"/api/sessions/{id}/message", """{"text":"two"}""", fault: "status=503")).Dispose();
        (await finn.GetAsync($"/api/sessions/{id}")).Dispose();
        (await finn.GetAsync("/health")).Dispose();
        (await finn.GetAsync("/nowhere")).Dispose();
        (await finn.GetAsync("/api/conviction/0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266/staking")).Dispose();
        await WebSocketClient.PromptThenAbortAsync(finn);
        await finn.SetFaultAsync("""{"mode":"error"}""");

        using (var counters = await finn.GetJsonAsync("/_emulator/counters"))
        {
            var values = counters.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt64());
            Assert.Equal(2, values["POST /api/sessions"]); // one here, one for the WebSocket turn
            Assert.Equal(2, values["POST /api/sessions/{id}/message"]);
            Assert.Equal(1, values["GET /api/sessions/{id}"]);
            Assert.Equal(1, values["GET /health"]);
            Assert.Equal(1, values["404"]);
            Assert.Equal(1, values["GET /api/conviction/{wallet}/staking"]);
            Assert.Equal(1, values["WS /ws/{id}"]);
            Assert.Equal(1, values["WS prompt"]);
            Assert.Equal(1, values["WS abort"]);
        }

        Assert.Equal(HttpStatusCode.NoContent, (await finn.Http.PostAsync("/_emulator/reset", null)).StatusCode);
        await EmulatorFixture.AssertFinnErrorAsync(await finn.GetAsync($"/api/sessions/{id}"), 404, "Session not found", "SESSION_NOT_FOUND");
        using (var setting = await finn.GetJsonAsync("/_emulator/faults"))
        {
            Assert.Equal("none", setting.RootElement.GetProperty("mode").GetString());
        }
        using (var counters = await finn.GetJsonAsync("/_emulator/counters"))
        {
            // Only the detail request made after the reset.
            Assert.Equal(["GET /api/sessions/{id}"], counters.RootElement.EnumerateObject().Select(p => p.Name));
        }
        using var log = await finn.GetJsonAsync("/_emulator/requests");
        Assert.Single(log.RootElement.GetProperty("requests").EnumerateArray());
    }
}
