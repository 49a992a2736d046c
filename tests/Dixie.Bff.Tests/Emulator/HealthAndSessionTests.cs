using System.Net;
using System.Text.RegularExpressions;
using Dixie.FinnEmulator.Hosting;

namespace Dixie.Bff.Tests.Emulator;

public sealed partial class HealthAndSessionTests
{
    [Fact]
    public async Task Health_shapes()
    {
        await using var finn = await EmulatorFixture.StartAsync();
        await finn.CreateSessionAsync();

        using var healthz = await finn.GetJsonAsync("/healthz");
        Assert.Equal("ok", healthz.RootElement.GetProperty("status").GetString());
        Assert.True(healthz.RootElement.GetProperty("uptime").GetDouble() >= 0);
        Assert.Equal(2, healthz.RootElement.EnumerateObject().Count());

        using var health = await finn.GetJsonAsync("/health");
        var root = health.RootElement;
        Assert.Equal("healthy", root.GetProperty("status").GetString());
        Assert.True(root.GetProperty("uptime").GetDouble() >= 0);
        Assert.Equal("ok", root.GetProperty("checks").GetProperty("agent").GetProperty("status").GetString());
        Assert.Equal("finn-emulator", root.GetProperty("checks").GetProperty("agent").GetProperty("model").GetString());
        Assert.Equal(1, root.GetProperty("checks").GetProperty("sessions").GetProperty("active").GetInt32());
        Assert.Equal("8.2.0", root.GetProperty("protocol").GetProperty("contract_version").GetString());
        Assert.Equal("7.0.0", root.GetProperty("protocol").GetProperty("finn_min_supported").GetString());
        Assert.True(root.GetProperty("ready_for_billing").GetBoolean());
    }

    [Fact]
    public async Task Session_lifecycle()
    {
        await using var finn = await EmulatorFixture.StartAsync();

        using var create = new HttpRequestMessage(HttpMethod.Post, "/api/sessions") { Content = new StringContent("not json") };
        create.Headers.Host = "finn.internal:3000";
        using var created = await finn.Http.SendAsync(create);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        using var body = await EmulatorFixture.ReadJsonAsync(created);
        var first = body.RootElement.GetProperty("sessionId").GetString()!;
        Assert.Matches(SessionIdPattern(), first);
        Assert.Equal($"ws://finn.internal:3000/ws/{first}", body.RootElement.GetProperty("wsUrl").GetString());
        Assert.Matches(IsoPattern(), body.RootElement.GetProperty("created").GetString()!);

        var second = await finn.CreateSessionAsync();
        Assert.NotEqual(first, second);
        await Task.Delay(5);
        using (var reply = await finn.PostJsonAsync($"/api/sessions/{first}/message", """{"text":"hi"}"""))
        {
            Assert.Equal(HttpStatusCode.OK, reply.StatusCode);
        }

        using var list = await finn.GetJsonAsync("/api/sessions");
        var ids = list.RootElement.GetProperty("sessions").EnumerateArray().Select(s => s.GetProperty("id").GetString()).ToList();
        Assert.Equal([first, second], ids);
        var summary = list.RootElement.GetProperty("sessions")[0];
        Assert.True(summary.GetProperty("lastActivity").GetInt64() > summary.GetProperty("created").GetInt64());

        using var detail = await finn.GetJsonAsync($"/api/sessions/{first}");
        Assert.Equal(first, detail.RootElement.GetProperty("id").GetString());
        Assert.Equal("finn-emulator", detail.RootElement.GetProperty("state").GetProperty("model").GetString());
        Assert.Equal("off", detail.RootElement.GetProperty("state").GetProperty("thinkingLevel").GetString());
        Assert.False(detail.RootElement.GetProperty("isStreaming").GetBoolean());
        Assert.Equal(2, detail.RootElement.GetProperty("messageCount").GetInt32());

        (await finn.PostJsonAsync($"/api/sessions/{first}/message", """{"text":"again"}""")).Dispose();
        using var after = await finn.GetJsonAsync($"/api/sessions/{first}");
        Assert.Equal(4, after.RootElement.GetProperty("messageCount").GetInt32());

        using var unknown = await finn.Http.GetAsync("/api/sessions/01J0000000000000000000000X");
        await EmulatorFixture.AssertFinnErrorAsync(unknown, 404, "Session not found", "SESSION_NOT_FOUND");
    }

    [Fact]
    public async Task Least_recently_active_session_is_evicted_at_the_cap()
    {
        await using var finn = await EmulatorFixture.StartAsync(new EmulatorOptions { MaxSessions = 2 });
        var a = await finn.CreateSessionAsync();
        var b = await finn.CreateSessionAsync();
        (await finn.PostJsonAsync($"/api/sessions/{a}/message", """{"text":"keep me"}""")).Dispose();
        var c = await finn.CreateSessionAsync();

        Assert.Equal(HttpStatusCode.OK, (await finn.Http.GetAsync($"/api/sessions/{a}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await finn.Http.GetAsync($"/api/sessions/{b}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await finn.Http.GetAsync($"/api/sessions/{c}")).StatusCode);
    }

    [Fact]
    public async Task Finn_error_bodies_are_exact()
    {
        await using var finn = await EmulatorFixture.StartAsync();
        var id = await finn.CreateSessionAsync();

        // The session is checked before the body.
        using (var response = await finn.PostJsonAsync("/api/sessions/NOPE/message", "{}"))
        {
            await EmulatorFixture.AssertFinnErrorAsync(response, 404, "Session not found", "SESSION_NOT_FOUND");
        }
        foreach (var body in new[] { "{}", """{"text":"   "}""", """{"text":42}""", """{"text":null}""", "not json", "[1]", "" })
        {
            using var response = await finn.PostJsonAsync($"/api/sessions/{id}/message", body);
            await EmulatorFixture.AssertFinnErrorAsync(response, 400, "Message text required", "INVALID_REQUEST");
        }
        using (var response = await finn.PostJsonAsync($"/api/sessions/{id}/message", """{"prompt":"Tell me about BGT."}"""))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            using var reply = await EmulatorFixture.ReadJsonAsync(response);
            Assert.Equal("Emulated reply [fe86818e8fb25343]: Tell me about BGT.", reply.RootElement.GetProperty("response").GetString());
        }

        await using var strict = await EmulatorFixture.StartAsync(new EmulatorOptions { Strict = true });
        var strictId = await strict.CreateSessionAsync();
        using (var response = await strict.PostJsonAsync($"/api/sessions/{strictId}/message", """{"prompt":"Tell me about BGT."}"""))
        {
            await EmulatorFixture.AssertFinnErrorAsync(response, 400, "Message text required", "INVALID_REQUEST");
        }
        using (var response = await strict.PostJsonAsync($"/api/sessions/{strictId}/message", """{"text":"x","prompt":"y"}"""))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        using var unknownRoute = await finn.Http.GetAsync("/api/nothing-here");
        Assert.Equal(HttpStatusCode.NotFound, unknownRoute.StatusCode);
        Assert.Equal("text/plain", unknownRoute.Content.Headers.ContentType?.MediaType);
        Assert.Equal("404 Not Found", await unknownRoute.Content.ReadAsStringAsync());
        using var wrongMethod = await finn.Http.DeleteAsync("/api/sessions");
        Assert.Equal("404 Not Found", await wrongMethod.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Bearer_auth_like_finn()
    {
        await using var finn = await EmulatorFixture.StartAsync(new EmulatorOptions { AuthToken = "s3cret-token" });

        async Task<HttpResponseMessage> CreateWith(string? authorization)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "/api/sessions");
            if (authorization is not null)
            {
                request.Headers.TryAddWithoutValidation("Authorization", authorization);
            }
            return await finn.Http.SendAsync(request);
        }

        await EmulatorFixture.AssertFinnErrorAsync(await CreateWith(null), 401, "Unauthorized", "AUTH_REQUIRED");
        await EmulatorFixture.AssertFinnErrorAsync(await CreateWith("Basic czNjcmV0"), 401, "Unauthorized", "AUTH_REQUIRED");
        await EmulatorFixture.AssertFinnErrorAsync(await CreateWith("Bearer s3cret-tokem"), 401, "Unauthorized", "AUTH_INVALID");
        await EmulatorFixture.AssertFinnErrorAsync(await CreateWith("bearer s3cret-token"), 401, "Unauthorized", "AUTH_REQUIRED");
        Assert.Equal(HttpStatusCode.Created, (await CreateWith("Bearer s3cret-token")).StatusCode);

        // Unknown /api routes are still behind the bearer, as finn's middleware runs first.
        await EmulatorFixture.AssertFinnErrorAsync(await finn.Http.GetAsync("/api/unknown"), 401, "Unauthorized", "AUTH_REQUIRED");
        Assert.Equal(HttpStatusCode.OK, (await finn.Http.GetAsync("/health")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await finn.Http.GetAsync("/healthz")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await finn.Http.GetAsync("/_emulator/counters")).StatusCode);
    }

    [GeneratedRegex("^[0-9A-HJKMNP-TV-Z]{26}$")]
    private static partial Regex SessionIdPattern();

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")]
    private static partial Regex IsoPattern();
}
