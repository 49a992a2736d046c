using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Dixie.Bff.Tests.Support;
using Dixie.FinnEmulator.Hosting;

namespace Dixie.Bff.Tests.Chat;

public sealed class ChatTests(ChatHostFixture fixture) : IClassFixture<ChatHostFixture>
{
    [Fact]
    public async Task First_prompt_reaches_finn()
    {
        using var client = fixture.Key();
        using var response = await client.ChatAsync(ChatTesting.Berachain);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.JsonAsync();
        var sessionId = body.GetProperty("sessionId").GetString()!;
        Assert.Equal(ChatTesting.BerachainReply, body.GetProperty("response").GetString());
        Assert.Equal(JsonValueKind.Array, body.GetProperty("toolCalls").ValueKind);
        Assert.Equal(0, body.GetProperty("toolCalls").GetArrayLength());
        Assert.Equal(sessionId, response.Headers.GetValues("X-Session-Id").Single());
        Assert.Equal(response.Headers.GetValues("X-Request-Id").Single(), body.GetProperty("messageId").GetString());

        var sent = (await fixture.Emulator.Admin.RequestsAsync($"/api/sessions/{sessionId}/message")).Single();
        var finnBody = JsonDocument.Parse(sent.GetProperty("body").GetString()!).RootElement;
        Assert.Equal(ChatTesting.Berachain, finnBody.GetProperty("text").GetString());

        var logged = fixture.Host.Logs.Events("chat_turn").Single(line => line.String("session_id") == sessionId);
        Assert.Equal("http", logged.String("transport"));
        Assert.Equal("ok", logged.String("outcome"));
        Assert.Matches("^[0-9a-f]{12}$", logged.String("owner_hash"));
        Assert.True(logged.Long("latency_ms") >= 0);
        Assert.DoesNotContain(ChatTesting.Berachain, logged.Text);
    }

    [Fact]
    public async Task Tool_calls_are_passed_through()
    {
        using var client = fixture.Key();
        var body = await client.TurnAsync("please use tool now");
        var call = body.GetProperty("toolCalls").EnumerateArray().Single();
        Assert.Equal("echo_tool", call.GetProperty("name").GetString());
        Assert.Equal("please use tool now", call.GetProperty("args").GetProperty("input").GetString());
        Assert.Equal("d227d6ea88ee5dbd", call.GetProperty("result").GetString());
    }

    [Fact]
    public async Task Follow_up_in_own_session()
    {
        using var client = fixture.Wallet(ChatHostFixture.WalletC);
        var first = await client.TurnAsync("first question");
        var sessionId = first.GetProperty("sessionId").GetString()!;
        var second = await client.TurnAsync("Tell me about BGT.", sessionId);
        Assert.Equal(sessionId, second.GetProperty("sessionId").GetString());
        Assert.Equal("Emulated reply [fe86818e8fb25343]: Tell me about BGT.", second.GetProperty("response").GetString());

        var list = JsonDocument.Parse(await client.GetStringAsync("/api/sessions")).RootElement.GetProperty("sessions");
        var entry = list.EnumerateArray().Single(s => s.GetProperty("id").GetString() == sessionId);
        Assert.Equal(2, entry.GetProperty("messageCount").GetInt32());
    }

    [Fact]
    public async Task Headers_sent_to_finn()
    {
        using var client = fixture.Wallet(ChatHostFixture.WalletA);
        const string trace = "0af7651916cd43dd8448eb211c80319c";
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/chat") { Content = JsonContent.Create(new { prompt = ChatTesting.Berachain }) };
        request.Headers.Add("traceparent", $"00-{trace}-b7ad6b7169203331-01");
        request.Headers.Add("X-Request-Id", "chat-headers-test-1");
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.JsonAsync();
        Assert.Equal("chat-headers-test-1", body.GetProperty("messageId").GetString());
        var sessionId = body.GetProperty("sessionId").GetString()!;

        var create = (await fixture.Emulator.Admin.RequestsAsync("/api/sessions"))
            .Last(r => r.GetProperty("path").GetString() == "/api/sessions" && Header(r, "x-request-id") == "chat-headers-test-1");
        var message = (await fixture.Emulator.Admin.RequestsAsync($"/api/sessions/{sessionId}/message")).Single();
        foreach (var sent in new[] { create, message })
        {
            Assert.Equal("chat-headers-test-1", Header(sent, "x-request-id"));
            Assert.Equal(trace, Header(sent, "traceparent")!.Split('-')[1]);
            Assert.Equal(ChatHostFixture.WalletA, Header(sent, "x-wallet-address"));
            Assert.Equal("127.0.0.1", Header(sent, "x-forwarded-for"));
            Assert.Equal($"Bearer {ChatHostFixture.FinnToken}", Header(sent, "authorization"));
            Assert.Null(Header(sent, "cookie"));
        }
        Assert.Equal("{\"agentId\":\"oracle\"}", create.GetProperty("body").GetString());
        Assert.Equal("sha256:a95ea0e5ee69852fb8defb94c71cbe978d69564ba0ee4d512a875e694051547e", Header(create, "x-req-hash"));
        Assert.Equal("0da813ecd95892814a6b7dc34ad11d22cc009c6d05d9453b98b2fa263e694822", Header(create, "x-idempotency-key"));

        // API-key callers have no wallet to forward.
        using var keyClient = fixture.Key();
        var keyTurn = await keyClient.TurnAsync("from a key");
        var keyMessage = (await fixture.Emulator.Admin.RequestsAsync($"/api/sessions/{keyTurn.GetProperty("sessionId").GetString()}/message")).Single();
        Assert.Null(Header(keyMessage, "x-wallet-address"));
    }

    [Theory]
    [InlineData("[1,2]", "Invalid JSON body")]
    [InlineData("{\"prompt\":", "Invalid JSON body")]
    [InlineData("", "Invalid JSON body")]
    [InlineData("{}", "prompt is required")]
    [InlineData("{\"prompt\":5}", "prompt is required")]
    [InlineData("{\"prompt\":\"\"}", "prompt must be 1 to 10000 characters")]
    [InlineData("{\"prompt\":\" \\t\\n \"}", "prompt must not be blank")]
    [InlineData("{\"prompt\":\"hi\",\"sessionId\":\"bad id\"}", "Invalid session ID format")]
    [InlineData("{\"prompt\":\"hi\",\"sessionId\":7}", "Invalid session ID format")]
    [InlineData("{\"prompt\":\"hi\",\"stream\":\"yes\"}", "stream must be a boolean")]
    public async Task Validation_messages(string json, string message)
    {
        using var client = fixture.Key();
        using var response = await client.PostAsync("/api/chat", new StringContent(json, Encoding.UTF8, "application/json"));
        await ErrorAssert.IsErrorAsync(response, HttpStatusCode.BadRequest, "invalid_request", message);
    }

    [Fact]
    public async Task A_body_that_is_not_declared_json_is_415()
    {
        using var client = fixture.Key();
        using var response = await client.PostAsync("/api/chat", new StringContent("""{"prompt":"hi"}""", Encoding.UTF8, "text/plain"));
        await ErrorAssert.IsErrorAsync(response, HttpStatusCode.UnsupportedMediaType, "unsupported_media_type", "Content-Type must be application/json");
    }

    [Fact]
    public async Task Prompt_length_bounds_and_null_fields_mean_absent()
    {
        using var client = fixture.Key();
        using var tooLong = await client.PostAsJsonAsync("/api/chat", new { prompt = new string('a', 10_001) });
        await ErrorAssert.IsErrorAsync(tooLong, HttpStatusCode.BadRequest, "invalid_request", "prompt must be 1 to 10000 characters");
        using var longest = await client.PostAsJsonAsync("/api/chat", new { prompt = new string('a', 10_000), sessionId = (string?)null, stream = (bool?)null });
        Assert.Equal(HttpStatusCode.OK, longest.StatusCode);
    }

    [Fact]
    public async Task Streaming_requests_are_handed_to_the_streaming_transport()
    {
        using var client = fixture.Key();
        using var flagged = await client.PostAsJsonAsync("/api/chat", new { prompt = "hi", stream = true });
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/chat") { Content = JsonContent.Create(new { prompt = "hi" }) };
        request.Headers.Accept.ParseAdd("text/event-stream");
        using var accepted = await client.SendAsync(request);
        // Either trigger answers with an event stream instead of the JSON reply.
        foreach (var response in new[] { flagged, accepted })
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
            Assert.Contains("event: done", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
    }

    [Trait("Category", "Security")]
    [Fact]
    public async Task Foreign_session_is_indistinguishable_from_missing()
    {
        using var owner = fixture.Wallet(ChatHostFixture.WalletA);
        using var other = fixture.Wallet(ChatHostFixture.WalletB);
        var sessionId = (await owner.TurnAsync("mine")).GetProperty("sessionId").GetString()!;
        const string missing = "01JH5Z8Q3V7K2M4N6P8R0T2W4Y";

        using var foreignChat = await other.ChatAsync("yours?", sessionId);
        using var missingChat = await other.ChatAsync("anyone?", missing);
        using var foreignDetail = await other.GetAsync($"/api/sessions/{sessionId}");
        using var missingDetail = await other.GetAsync($"/api/sessions/{missing}");
        var bodies = new List<string>();
        foreach (var response in new[] { foreignChat, missingChat, foreignDetail, missingDetail })
        {
            await ErrorAssert.IsErrorAsync(response, HttpStatusCode.NotFound, "not_found", "Session not found");
            bodies.Add(await response.Content.ReadAsStringAsync());
        }
        Assert.Single(bodies.Distinct());
        Assert.Empty(await fixture.Emulator.Admin.RequestsAsync($"/api/sessions/{missing}"));
    }

    [Trait("Category", "Security")]
    [Fact]
    public async Task Api_key_owner_is_key_id()
    {
        using var key = fixture.Key();
        using var wallet = fixture.Wallet(ChatHostFixture.WalletB);
        var keySession = (await key.TurnAsync("key session")).GetProperty("sessionId").GetString()!;
        var walletSession = (await wallet.TurnAsync("wallet session")).GetProperty("sessionId").GetString()!;

        var keyList = await IdsAsync(key);
        Assert.Contains(keySession, keyList);
        Assert.DoesNotContain(walletSession, keyList);
        Assert.DoesNotContain(keySession, await IdsAsync(wallet));

        await using var connection = new Npgsql.NpgsqlConnection(fixture.Host.Environment["DATABASE_URL"]);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand("SELECT owner, owner_kind FROM chat_sessions WHERE session_id = @id", connection);
        command.Parameters.AddWithValue("id", keySession);
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.Equal(ChatHostFixture.ApiKey[..12], reader.GetString(0));
        Assert.Equal("api_key", reader.GetString(1));
    }

    [Fact]
    public async Task Failure_after_create_returns_session_id()
    {
        using var client = fixture.Key();
        using var failed = await client.ChatAsync("break [[fault:status=500]]");
        var body = await ErrorAssert.IsErrorAsync(failed, HttpStatusCode.BadGateway, "upstream_error", "Upstream error (HTTP 500)");
        var sessionId = body.GetProperty("sessionId").GetString()!;
        Assert.Equal(0, await ChatTesting.InteractionSignalsAsync(fixture.Host, sessionId));

        var retry = await client.TurnAsync(ChatTesting.Berachain, sessionId);
        Assert.Equal(ChatTesting.BerachainReply, retry.GetProperty("response").GetString());

        // A follow-up that fails names no session: the caller already has it.
        using var again = await client.ChatAsync("break [[fault:status=500]]", sessionId);
        var second = await ErrorAssert.IsErrorAsync(again, HttpStatusCode.BadGateway, "upstream_error");
        Assert.False(second.TryGetProperty("sessionId", out _));
    }

    [Fact]
    public async Task Turn_writes_session_update_and_signal_atomically()
    {
        using var client = fixture.Wallet(ChatHostFixture.WalletA);
        var sessionId = (await client.TurnAsync("count me")).GetProperty("sessionId").GetString()!;
        await client.TurnAsync("and me", sessionId);
        using var failed = await client.ChatAsync("not me [[fault:status=503]]", sessionId);
        Assert.Equal(HttpStatusCode.BadGateway, failed.StatusCode);
        Assert.Equal(2, await ChatTesting.InteractionSignalsAsync(fixture.Host, sessionId));

        await using var connection = new Npgsql.NpgsqlConnection(fixture.Host.Environment["DATABASE_URL"]);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand("""
            SELECT payload->'data'->>'wallet_hash', payload->>'type', (payload->'data'->>'new_session')::boolean
            FROM event_outbox WHERE payload->'data'->>'session_id' = @id ORDER BY created_at
            """, connection);
        command.Parameters.AddWithValue("id", sessionId);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<(string Hash, string Type, bool New)>();
        while (await reader.ReadAsync()) rows.Add((reader.GetString(0), reader.GetString(1), reader.GetBoolean(2)));
        Assert.All(rows, row => Assert.Equal("dffe1949d232", row.Hash));
        Assert.All(rows, row => Assert.Equal("chat.interaction", row.Type));
        Assert.Equal([true, false], rows.Select(r => r.New));
    }

    [Fact]
    public async Task Emulator_in_strict_mode_accepts_our_body()
    {
        await using var strict = await TestEmulator.StartAsync(new EmulatorOptions { Strict = true });
        var key = TestEnvironment.NewApiKey();
        await using var host = await ChatTesting.StartHostAsync(strict.BaseUrl, [], key);
        using var client = ChatTesting.Client(host, key);
        var body = await client.TurnAsync(ChatTesting.Berachain);
        Assert.Equal(ChatTesting.BerachainReply, body.GetProperty("response").GetString());
    }

    private static async Task<List<string>> IdsAsync(HttpClient client) =>
        [.. JsonDocument.Parse(await client.GetStringAsync("/api/sessions")).RootElement.GetProperty("sessions")
            .EnumerateArray().Select(s => s.GetProperty("id").GetString()!)];

    private static string? Header(JsonElement request, string name) =>
        request.GetProperty("headers").TryGetProperty(name, out var value) ? value.GetString() : null;
}
