using System.Net.WebSockets;
using System.Text.Json;
using Dixie.Bff.Features.Allowlist;
using Dixie.Bff.Tests.Support;
using Dixie.FinnEmulator.Hosting;

namespace Dixie.Bff.Tests.Streaming;

[Trait("Category", "Security")]
public sealed class WsProxyTests
{
    private static string Type(JsonElement frame) => frame.GetProperty("type").GetString()!;

    private static void AssertRefused(RefusedUpgrade refused, int status, string error, string message)
    {
        Assert.Equal(status, refused.Status);
        Assert.Equal(JsonSerializer.Serialize(new { error, message }), refused.Body);
        Assert.Equal("close", refused.Headers.GetValueOrDefault("connection"));
    }

    [Fact]
    public async Task Frames_are_translated_both_ways()
    {
        var finn = await SharedEmulator.GetAsync();
        await using var host = await WsHost.StartAsync(finn.BaseUrl);
        var sessionId = await host.SessionAsync(finn.BaseUrl);
        var ticket = await host.TicketAsync();
        await using var client = await ProxyClient.ConnectAsync(host.Host, sessionId, ticket);

        await client.SendAsync("""{"type":"prompt","text":"Hello, what is Berachain?"}""");
        var frames = await client.ReceiveThroughAsync("done");
        Assert.Equal(["chunk", "chunk", "chunk", "chunk", "turn_end", "done"], frames.Select(Type));
        Assert.Equal("""{"type":"turn_end","data":{}}""", frames[4].GetRawText());
        var done = frames[^1].GetProperty("data");
        Assert.Equal(sessionId, done.GetProperty("sessionId").GetString());
        Assert.Matches("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$", done.GetProperty("messageId").GetString());
        Assert.Equal("Emulated reply [986c1428cb2bd8eb]: Hello, what is Berachain?", done.GetProperty("content").GetString());
        Assert.Equal(1, await host.MessageCountAsync(sessionId));

        await client.SendAsync("""{"type":"ping"}""");
        Assert.Equal("pong", Type(await client.ReceiveFrameAsync()));

        foreach (var (frame, problem) in new[]
        {
            ("not json", "Unsupported message"),
            ("""{"type":"steer","text":"x"}""", "Unsupported message"),
            ("""{"text":"x"}""", "Unsupported message"),
            ("""{"type":"prompt","text":"   "}""", "text must not be blank"),
            ("""{"type":"prompt"}""", "text is required"),
            ($$"""{"type":"prompt","text":"{{new string('a', 10_001)}}"}""", "text must be 1 to 10000 characters"),
        })
        {
            await client.SendAsync(frame);
            Assert.Equal(JsonSerializer.Serialize(new { type = "error", data = new { code = "invalid_request", message = problem, recoverable = true } }),
                (await client.ReceiveFrameAsync()).GetRawText());
        }

        await client.SendAsync("""{"type":"prompt","text":"slow [[fault:frame-delay=300]]"}""");
        await client.SendAsync("""{"type":"prompt","text":"second"}""");
        var busy = await client.ReceiveThroughAsync("error");
        Assert.Equal("""{"code":"turn_in_progress","message":"A prompt is already being answered","recoverable":true}""",
            busy[^1].GetProperty("data").GetRawText());
        Assert.Equal("done", Type((await client.ReceiveThroughAsync("done"))[^1]));
        Assert.Equal(2, await host.MessageCountAsync(sessionId));
        Assert.DoesNotContain(ticket, host.Host.Logs.AllText);
    }

    private const string SignalsSql = """
        SELECT payload->'data' FROM event_outbox
        WHERE subject = 'dixie.signal.interaction' AND payload->'data'->>'session_id' = @session ORDER BY created_at
        """;

    internal static async Task<List<JsonElement>> SignalsAsync(DixieHost host, string sessionId)
    {
        await using var command = host.Get<Npgsql.NpgsqlDataSource>().CreateCommand(SignalsSql);
        command.Parameters.AddWithValue("session", sessionId);
        await using var reader = await command.ExecuteReaderAsync();
        var signals = new List<JsonElement>();
        while (await reader.ReadAsync()) signals.Add(JsonDocument.Parse(reader.GetString(0)).RootElement.Clone());
        return signals;
    }

    [Fact]
    public async Task Ws_turn_updates_session_and_aborted_turn_is_not_counted()
    {
        var finn = await SharedEmulator.GetAsync();
        await using var host = await WsHost.StartAsync(finn.BaseUrl);
        var sessionId = await host.SessionAsync(finn.BaseUrl);
        await using var client = await ProxyClient.ConnectAsync(host.Host, sessionId, await host.TicketAsync());

        await client.SendAsync("""{"type":"prompt","text":"long [[fault:frame-delay=300]]"}""");
        Assert.Equal("chunk", Type(await client.ReceiveFrameAsync()));
        await client.SendAsync("""{"type":"abort"}""");
        var done = (await client.ReceiveThroughAsync("done"))[^1];
        Assert.Equal(0, await host.MessageCountAsync(sessionId));
        Assert.Equal("aborted", host.Host.Logs.Events("chat_turn").Single().String("outcome"));

        await client.SendAsync("""{"type":"prompt","text":"Tell me about BGT."}""");
        await client.ReceiveThroughAsync("done");
        Assert.Equal(1, await host.MessageCountAsync(sessionId));
        var ok = host.Host.Logs.Events("chat_turn")[^1];
        Assert.Equal("ws", ok.String("transport"));
        Assert.Equal("ok", ok.String("outcome"));
        Assert.Matches("^[0-9a-f-]{36}$", done.GetProperty("data").GetProperty("messageId").GetString());

        var signal = Assert.Single(await SignalsAsync(host.Host, sessionId));
        Assert.Equal("wallet", signal.GetProperty("caller_kind").GetString());
        Assert.Equal(Dixie.Bff.Infrastructure.Logging.Redaction.Hash12(host.Wallet), signal.GetProperty("wallet_hash").GetString());
        Assert.True(signal.GetProperty("streamed").GetBoolean());
        Assert.False(signal.GetProperty("new_session").GetBoolean());
        Assert.Equal("Tell me about BGT.".Length, signal.GetProperty("prompt_chars").GetInt32());
        Assert.Equal("Emulated reply [fe86818e8fb25343]: Tell me about BGT.".Length, signal.GetProperty("response_chars").GetInt32());
    }

    [Fact]
    public async Task Upgrade_check_order()
    {
        await using var finn = await TestEmulator.StartAsync();
        await using var host = await WsHost.StartAsync(finn.BaseUrl, new() { ["DIXIE_CORS_ORIGINS"] = "https://app.example" });
        var sessionId = await host.SessionAsync(finn.BaseUrl);
        var ticket = await host.TicketAsync();

        AssertRefused(await ProxyClient.UpgradeAsync(host.Host, $"/ws/{sessionId}?ticket={ticket}"), 404, "not_found", "Not found");
        AssertRefused(await ProxyClient.UpgradeAsync(host.Host, $"/ws/chat/{sessionId}/more?ticket={ticket}"), 404, "not_found", "Not found");
        var plain = await host.Host.Client.GetAsync($"/ws/chat/{sessionId}?ticket={ticket}");
        Assert.Equal(400, (int)plain.StatusCode);
        Assert.Equal("""{"error":"invalid_request","message":"WebSocket upgrade required"}""", await plain.Content.ReadAsStringAsync());
        AssertRefused(await ProxyClient.UpgradeAsync(host.Host, $"/ws/chat/{sessionId}?ticket={ticket}", origin: "https://evil.example"),
            403, "forbidden", "Origin not allowed");
        AssertRefused(await ProxyClient.UpgradeAsync(host.Host, $"/ws/chat/{sessionId}"), 401, "missing_ticket", "WebSocket ticket required");
        AssertRefused(await ProxyClient.UpgradeAsync(host.Host, $"/ws/chat/bad.id?ticket={ticket}"), 401, "invalid_session_id", "Invalid session ID format");
        AssertRefused(await ProxyClient.UpgradeAsync(host.Host, $"/ws/chat/{sessionId}?ticket=wst_{new string('0', 48)}"), 401, "invalid_ticket", "Invalid or expired ticket");
        AssertRefused(await ProxyClient.UpgradeAsync(host.Host, $"/ws/chat/01JH5Z8Q3V7K2M4N6P8R0T2W4Y?ticket={ticket}"), 404, "not_found", "Session not found");
        // The refusals before the ticket check left it unused; the session check above consumed it.
        AssertRefused(await ProxyClient.UpgradeAsync(host.Host, $"/ws/chat/{sessionId}?ticket={ticket}"), 401, "invalid_ticket", "Invalid or expired ticket");

        await using (var allowed = await ProxyClient.ConnectAsync(host.Host, sessionId, await host.TicketAsync(), origin: "https://app.example/"))
            Assert.Equal(WebSocketState.Open, allowed.Socket.State);

        var unlisted = await host.TicketAsync();
        host.Host.Get<CurrentAllowlist>().Replace(new AllowlistSnapshot([], [], "test"), DateTimeOffset.UtcNow);
        AssertRefused(await ProxyClient.UpgradeAsync(host.Host, $"/ws/chat/{sessionId}?ticket={unlisted}"), 403, "forbidden", "Not authorized");
    }

    [Fact]
    public async Task Foreign_session_is_indistinguishable_from_missing()
    {
        var finn = await SharedEmulator.GetAsync();
        await using var host = await WsHost.StartAsync(finn.BaseUrl);
        var foreign = "s" + Guid.NewGuid().ToString("N");
        var someoneElse = new Dixie.Bff.Features.Chat.ChatOwner(Dixie.Bff.Tests.Allowlist.AllowlistTesting.NewWallet(), Dixie.Bff.Infrastructure.Outbox.CallerKind.Wallet);
        Assert.True(await host.Host.Get<Dixie.Bff.Features.Chat.ChatSessionStore>().CreateAsync(foreign, someoneElse, CancellationToken.None));

        var theirs = await ProxyClient.UpgradeAsync(host.Host, $"/ws/chat/{foreign}?ticket={await host.TicketAsync()}");
        var missing = await ProxyClient.UpgradeAsync(host.Host, $"/ws/chat/s{Guid.NewGuid():N}?ticket={await host.TicketAsync()}");

        AssertRefused(theirs, 404, "not_found", "Session not found");
        Assert.Equal(missing.Status, theirs.Status);
        Assert.Equal(missing.Body, theirs.Body);
    }

    [Fact]
    public async Task Disallowed_origin_is_refused()
    {
        var finn = await SharedEmulator.GetAsync();
        await using var host = await WsHost.StartAsync(finn.BaseUrl, new() { ["DIXIE_CORS_ORIGINS"] = "https://app.example" });
        var sessionId = await host.SessionAsync(finn.BaseUrl);
        var ticket = await host.TicketAsync();

        AssertRefused(await ProxyClient.UpgradeAsync(host.Host, $"/ws/chat/{sessionId}?ticket={ticket}", origin: "https://app.example.evil"),
            403, "forbidden", "Origin not allowed");

        // The refusal came before the ticket check, so the ticket still opens a socket.
        await using var client = await ProxyClient.ConnectAsync(host.Host, sessionId, ticket, origin: "https://app.example");
        Assert.Equal(WebSocketState.Open, client.Socket.State);
    }

    [Fact]
    public async Task Open_circuit_refuses_the_upgrade()
    {
        await using var finn = await TestEmulator.StartAsync();
        await using var host = await WsHost.StartAsync(finn.BaseUrl);
        var sessionId = await host.SessionAsync(finn.BaseUrl);

        await finn.Admin.SetFaultAsync("error", status: 500, path: "/ws/");
        for (var i = 0; i < 5; i++)
        {
            AssertRefused(await ProxyClient.UpgradeAsync(host.Host, $"/ws/chat/{sessionId}?ticket={await host.TicketAsync()}"),
                502, "upstream_error", "Upstream error (HTTP 500)");
        }
        var open = await ProxyClient.UpgradeAsync(host.Host, $"/ws/chat/{sessionId}?ticket={await host.TicketAsync()}");
        AssertRefused(open, 503, "circuit_open", "Service temporarily unavailable (circuit breaker open)");
        Assert.Equal("10", open.Headers["retry-after"]);
    }

    [Fact]
    public async Task Revoked_token_ticket_is_refused()
    {
        var finn = await SharedEmulator.GetAsync();
        await using var host = await WsHost.StartAsync(finn.BaseUrl);
        var sessionId = await host.SessionAsync(finn.BaseUrl);
        var token = host.Token();
        var ticket = await host.TicketAsync(token);

        var logout = new HttpRequestMessage(HttpMethod.Post, "/api/auth/logout");
        logout.Headers.Authorization = new("Bearer", token);
        Assert.Equal(204, (int)(await host.Host.Client.SendAsync(logout)).StatusCode);

        AssertRefused(await ProxyClient.UpgradeAsync(host.Host, $"/ws/chat/{sessionId}?ticket={ticket}"), 401, "invalid_ticket", "Invalid or expired ticket");
    }

    [Fact]
    public async Task Ticket_from_A_redeemed_at_B()
    {
        var finn = await SharedEmulator.GetAsync();
        var databaseUrl = await (await Dixie.Bff.Tests.Infrastructure.SharedServers.GetAsync()).Postgres.CreateDatabaseAsync();
        await using var a = await WsHost.StartAsync(finn.BaseUrl, databaseUrl: databaseUrl);
        await using var b = await WsHost.StartAsync(finn.BaseUrl, databaseUrl: databaseUrl, prefix: a.Prefix, wallet: a.Wallet);
        var sessionId = await a.SessionAsync(finn.BaseUrl);

        await using var client = await ProxyClient.ConnectAsync(b.Host, sessionId, await a.TicketAsync());
        await client.SendAsync("""{"type":"prompt","text":"Tell me about BGT."}""");
        Assert.Equal("Emulated reply [fe86818e8fb25343]: Tell me about BGT.",
            (await client.ReceiveThroughAsync("done"))[^1].GetProperty("data").GetProperty("content").GetString());
    }

    [Fact]
    public async Task Upstream_paths_and_token()
    {
        const string token = "finn-test-token-123";
        await using var finn = await TestEmulator.StartAsync(new EmulatorOptions { AuthToken = token });
        await using var host = await WsHost.StartAsync(finn.BaseUrl, new() { ["DIXIE_FINN_AUTH_TOKEN"] = token });
        var sessionId = await CreateWithBearerAsync(host, finn.BaseUrl, token);

        await using (var client = await ProxyClient.ConnectAsync(host.Host, sessionId, await host.TicketAsync()))
        {
            await client.SendAsync("""{"type":"ping"}""");
            Assert.Equal("pong", Type(await client.ReceiveFrameAsync()));
        }

        using var admin = DixieHost.CreateClient(new Uri(finn.BaseUrl + "/"));
        var log = JsonDocument.Parse(await admin.GetStringAsync("_emulator/requests?kind=ws_upgrade")).RootElement.GetProperty("requests");
        var upgrade = Assert.Single(log.EnumerateArray());
        Assert.Equal($"/ws/{sessionId}", upgrade.GetProperty("path").GetString());
        Assert.Equal($"token={token}", upgrade.GetProperty("query").GetString());
        Assert.Equal("accepted", upgrade.GetProperty("outcome").GetString());
        var headers = upgrade.GetProperty("headers");
        Assert.Equal($"Bearer {token}", headers.GetProperty("authorization").GetString());
        Assert.Equal(host.Wallet, headers.GetProperty("x-wallet-address").GetString());
        Assert.Equal("127.0.0.1", headers.GetProperty("x-forwarded-for").GetString());
        Assert.Matches("^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$", headers.GetProperty("traceparent").GetString());
        Assert.True(headers.TryGetProperty("x-request-id", out _));
        Assert.DoesNotContain(token, host.Host.Logs.AllText);
    }

    private static async Task<string> CreateWithBearerAsync(WsHost host, string finnUrl, string token)
    {
        using var finn = DixieHost.CreateClient(new Uri(finnUrl + "/"));
        finn.DefaultRequestHeaders.Authorization = new("Bearer", token);
        var created = await finn.PostAsync("api/sessions", new StringContent("{}", System.Text.Encoding.UTF8, "application/json"));
        var sessionId = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("sessionId").GetString()!;
        Assert.True(await host.Host.Get<Dixie.Bff.Features.Chat.ChatSessionStore>().CreateAsync(sessionId, host.Owner, CancellationToken.None));
        return sessionId;
    }

    [Trait("Category", "Faults")]
    [Fact]
    public async Task Upstream_close_codes_are_relayed()
    {
        var finn = await SharedEmulator.GetAsync();
        await using var host = await WsHost.StartAsync(finn.BaseUrl);

        // A session dixie recorded but finn no longer has: finn answers with an error frame and 4004.
        var unknown = "gone" + Guid.NewGuid().ToString("N");
        Assert.True(await host.Host.Get<Dixie.Bff.Features.Chat.ChatSessionStore>().CreateAsync(unknown, host.Owner, CancellationToken.None));
        await using (var client = await ProxyClient.ConnectAsync(host.Host, unknown, await host.TicketAsync()))
        {
            Assert.Equal("""{"type":"error","data":{"code":"upstream_error","message":"Inference failed","recoverable":false}}""",
                (await client.ReceiveFrameAsync()).GetRawText());
            Assert.Null(await client.ReceiveAsync());
            Assert.Equal(4004, (int)client.Socket.CloseStatus!);
            Assert.Equal("Session not found", client.Socket.CloseStatusDescription);
        }

        var sessionId = await host.SessionAsync(finn.BaseUrl);
        await using (var client = await ProxyClient.ConnectAsync(host.Host, sessionId, await host.TicketAsync()))
        {
            await client.SendAsync("""{"type":"prompt","text":"drop [[fault:ws-drop]]"}""");
            var frames = await client.ReceiveThroughAsync("error");
            Assert.Equal(["chunk", "error"], frames.Select(Type));
            Assert.Equal("""{"code":"upstream_error","message":"Inference connection lost","recoverable":false}""",
                frames[^1].GetProperty("data").GetRawText());
            Assert.Null(await client.ReceiveAsync());
            Assert.Equal(WebSocketCloseStatus.InternalServerError, client.Socket.CloseStatus);
            Assert.Equal("Upstream closed", client.Socket.CloseStatusDescription);
        }
    }

    [Trait("Category", "Faults")]
    [Fact]
    public async Task Upstream_unreachable_is_502_before_upgrade()
    {
        var finn = await TestEmulator.StartAsync();
        await using var host = await WsHost.StartAsync(finn.BaseUrl);
        var sessionId = await host.SessionAsync(finn.BaseUrl);
        await finn.DisposeAsync();

        AssertRefused(await ProxyClient.UpgradeAsync(host.Host, $"/ws/chat/{sessionId}?ticket={await host.TicketAsync()}"),
            502, "upstream_unavailable", "Inference service unreachable");
    }
}
