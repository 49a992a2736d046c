using System.Diagnostics;
using System.Net;

namespace Dixie.Bff.Tests.Emulator;

public sealed class FaultTests
{
    [Fact]
    public async Task Fault_header_items()
    {
        await using var finn = await EmulatorFixture.StartAsync();

        using (var response = await finn.PostJsonAsync("/api/sessions", "{}", fault: "status=503"))
        {
            await EmulatorFixture.AssertFinnErrorAsync(response, 503, "Emulated fault", "EMULATED_FAULT");
        }
        using (var response = await finn.PostJsonAsync("/api/sessions", "{}", fault: " status=429 ; code=RATE_LIMITED "))
        {
            await EmulatorFixture.AssertFinnErrorAsync(response, 429, "Emulated fault", "RATE_LIMITED");
        }
        using (var response = await finn.PostJsonAsync("/api/sessions", "{}", fault: "status=500;code=SESSION_CREATE_FAILED"))
        {
            await EmulatorFixture.AssertFinnErrorAsync(response, 500, "Failed to create session", "SESSION_CREATE_FAILED");
        }
        using (var response = await finn.GetAsync("/health", fault: "nonjson"))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal("<html>emulated non-JSON body</html>", await response.Content.ReadAsStringAsync());
        }
        await Assert.ThrowsAsync<HttpRequestException>(() => finn.GetAsync("/health", fault: "close"));

        var clock = Stopwatch.StartNew();
        using (var response = await finn.GetAsync("/health", fault: "delay=300"))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.True(clock.ElapsedMilliseconds >= 290, $"{clock.ElapsedMilliseconds} ms");
        }
        clock.Restart();
        using (var response = await finn.GetAsync("/health", fault: "delay=250;status=502;code=PROVIDER_UNAVAILABLE"))
        {
            Assert.True(clock.ElapsedMilliseconds >= 240, $"{clock.ElapsedMilliseconds} ms");
            await EmulatorFixture.AssertFinnErrorAsync(response, 502, "Emulated fault", "PROVIDER_UNAVAILABLE");
        }
        // WebSocket-only items leave an HTTP request alone.
        using (var response = await finn.GetAsync("/health", fault: "ws-drop;ws-error;frame-delay=10"))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        foreach (var invalid in new[] { "bogus", "status=700", "status=500;close", "nonjson;close", "code=X_Y",
                     "status=500;code=lower", "delay=-1", "delay=600001", "", "status=500;", "delay=1;delay=2", "close=1" })
        {
            using var response = await finn.GetAsync("/health", fault: invalid);
            await EmulatorFixture.AssertFinnErrorAsync(response, 400, "Invalid fault directive", "INVALID_FAULT");
        }
    }

    [Fact]
    public async Task Fault_in_text_applies_after_the_handler_checks()
    {
        await using var finn = await EmulatorFixture.StartAsync();
        var id = await finn.CreateSessionAsync();
        const string Body = """{"text":"hi [[fault:status=402;code=BUDGET_EXCEEDED]] there"}""";

        using (var response = await finn.PostJsonAsync("/api/sessions/UNKNOWN/message", Body))
        {
            await EmulatorFixture.AssertFinnErrorAsync(response, 404, "Session not found", "SESSION_NOT_FOUND");
        }
        using (var response = await finn.PostJsonAsync($"/api/sessions/{id}/message", Body))
        {
            await EmulatorFixture.AssertFinnErrorAsync(response, 402, "Emulated fault", "BUDGET_EXCEEDED");
        }
        using (var response = await finn.PostJsonAsync($"/api/sessions/{id}/message", """{"text":"[[fault:status=9]]"}"""))
        {
            await EmulatorFixture.AssertFinnErrorAsync(response, 400, "Invalid fault directive", "INVALID_FAULT");
        }
        // A delay lets the request continue, and the marker stays part of the echoed text.
        using (var response = await finn.PostJsonAsync($"/api/sessions/{id}/message", """{"text":"x [[fault:delay=1]]"}"""))
        {
            using var reply = await EmulatorFixture.ReadJsonAsync(response);
            Assert.EndsWith("]: x [[fault:delay=1]]", reply.RootElement.GetProperty("response").GetString());
        }
    }

    [Fact]
    public async Task Process_wide_modes()
    {
        await using var finn = await EmulatorFixture.StartAsync();

        await finn.SetFaultAsync("""{"mode":"down"}""");
        await Assert.ThrowsAsync<HttpRequestException>(() => finn.GetAsync("/health"));
        await Assert.ThrowsAsync<HttpRequestException>(() => finn.PostJsonAsync("/api/sessions", "{}"));
        Assert.Equal(HttpStatusCode.OK, (await finn.GetAsync("/healthz")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await finn.GetAsync("/_emulator/counters")).StatusCode);

        await finn.SetFaultAsync("""{"mode":"slow","delayMs":300}""");
        var clock = Stopwatch.StartNew();
        Assert.Equal(HttpStatusCode.OK, (await finn.GetAsync("/health")).StatusCode);
        Assert.True(clock.ElapsedMilliseconds >= 290, $"{clock.ElapsedMilliseconds} ms");
        clock.Restart();
        Assert.Equal(HttpStatusCode.OK, (await finn.GetAsync("/healthz")).StatusCode);
        Assert.True(clock.ElapsedMilliseconds < 290, "healthz is never faulted");

        await finn.SetFaultAsync("""{"mode":"error","status":503,"code":"ORACLE_MODEL_UNAVAILABLE","path":"/api/sessions"}""");
        Assert.Equal(HttpStatusCode.OK, (await finn.GetAsync("/health")).StatusCode);
        await EmulatorFixture.AssertFinnErrorAsync(await finn.PostJsonAsync("/api/sessions", "{}"), 503, "Emulated fault", "ORACLE_MODEL_UNAVAILABLE");
        // A per-request header directive wins over the process-wide setting.
        Assert.Equal(HttpStatusCode.Created, (await finn.PostJsonAsync("/api/sessions", "{}", fault: "delay=0")).StatusCode);

        await finn.SetFaultAsync("""{"mode":"error","count":2}""");
        await EmulatorFixture.AssertFinnErrorAsync(await finn.GetAsync("/health"), 500, "Emulated fault", "EMULATED_FAULT");
        Assert.Equal(HttpStatusCode.InternalServerError, (await finn.GetAsync("/health")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await finn.GetAsync("/health")).StatusCode);
        using (var setting = await finn.GetJsonAsync("/_emulator/faults"))
        {
            Assert.Equal("none", setting.RootElement.GetProperty("mode").GetString());
            Assert.Equal(2, setting.RootElement.GetProperty("fired").GetInt64());
        }

        await finn.SetFaultAsync("""{"mode":"error","status":502,"ratio":0.5}""");
        var statuses = new List<int>();
        for (var i = 0; i < 8; i++)
        {
            statuses.Add((int)(await finn.GetAsync("/health")).StatusCode);
        }
        Assert.Equal([200, 502, 200, 502, 200, 502, 200, 502], statuses);

        await finn.SetFaultAsync("""{"mode":"error","ratio":0.2}""");
        statuses.Clear();
        for (var i = 0; i < 10; i++)
        {
            statuses.Add((int)(await finn.GetAsync("/health")).StatusCode);
        }
        Assert.Equal([200, 200, 200, 200, 500, 200, 200, 200, 200, 500], statuses);

        await finn.SetFaultAsync("""{"mode":"none"}""");
        Assert.Equal(HttpStatusCode.OK, (await finn.GetAsync("/health")).StatusCode);
    }

    [Fact]
    public async Task An_invalid_header_directive_does_not_use_up_the_process_wide_fault()
    {
        await using var finn = await EmulatorFixture.StartAsync();
        await finn.SetFaultAsync("""{"mode":"error","count":1}""");

        await EmulatorFixture.AssertFinnErrorAsync(await finn.PostJsonAsync("/api/sessions", "{}", fault: "bogus"), 400, "Invalid fault directive", "INVALID_FAULT");
        using (var setting = await finn.GetJsonAsync("/_emulator/faults"))
        {
            Assert.Equal("error", setting.RootElement.GetProperty("mode").GetString());
            Assert.Equal(0, setting.RootElement.GetProperty("fired").GetInt64());
        }
        Assert.Equal(HttpStatusCode.InternalServerError, (await finn.GetAsync("/health")).StatusCode);
    }

    [Fact]
    public async Task Text_directive_wins_over_the_process_wide_setting()
    {
        await using var finn = await EmulatorFixture.StartAsync();
        var id = await finn.CreateSessionAsync();
        await finn.SetFaultAsync("""{"mode":"error","status":503}""");

        using var response = await finn.PostJsonAsync($"/api/sessions/{id}/message", """{"text":"[[fault:status=402;code=BUDGET_EXCEEDED]]"}""");
        await EmulatorFixture.AssertFinnErrorAsync(response, 402, "Emulated fault", "BUDGET_EXCEEDED");
        using var setting = await finn.GetJsonAsync("/_emulator/faults");
        Assert.Equal(0, setting.RootElement.GetProperty("fired").GetInt64());
    }

    [Theory]
    [InlineData("""{"mode":"sideways"}""")]
    [InlineData("""{"status":500}""")]
    [InlineData("""{"mode":"error","status":600}""")]
    [InlineData("""{"mode":"error","ratio":0}""")]
    [InlineData("""{"mode":"error","ratio":1.5}""")]
    [InlineData("""{"mode":"slow","delayMs":600001}""")]
    [InlineData("""{"mode":"error","code":"bad code"}""")]
    [InlineData("""{"mode":"error","path":"api"}""")]
    [InlineData("""{"mode":"error","count":0}""")]
    [InlineData("""{"mode":"slow","delay":5}""")]
    [InlineData("not json")]
    public async Task Invalid_process_wide_setting_is_rejected(string body)
    {
        await using var finn = await EmulatorFixture.StartAsync();
        using var response = await finn.PostJsonAsync("/_emulator/faults", body);
        await EmulatorFixture.AssertFinnErrorAsync(response, 400, "Invalid fault directive", "INVALID_FAULT");
        using var setting = await finn.GetJsonAsync("/_emulator/faults");
        Assert.Equal("none", setting.RootElement.GetProperty("mode").GetString());
    }
}
