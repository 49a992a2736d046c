using System.Net;
using System.Text.Json;
using Dixie.Bff.Tests.Support;

namespace Dixie.Bff.Tests.Chat;

public sealed class SessionTests
{
    [Fact]
    public async Task List_is_own_sessions_newest_activity_first()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var key = TestEnvironment.NewApiKey();
        await using var host = await ChatTesting.StartHostAsync(emulator.BaseUrl, [], key);
        using var client = ChatTesting.Client(host, key);
        var first = (await client.TurnAsync("one")).GetProperty("sessionId").GetString()!;
        var second = (await client.TurnAsync("two")).GetProperty("sessionId").GetString()!;
        var third = (await client.TurnAsync("three")).GetProperty("sessionId").GetString()!;
        await client.TurnAsync("one again", first);

        var sessions = await ListAsync(client, "");
        Assert.Equal([first, third, second], sessions.Select(s => s.GetProperty("id").GetString()));
        Assert.Equal([2, 1, 1], sessions.Select(s => s.GetProperty("messageCount").GetInt32()));
        foreach (var session in sessions)
        {
            Assert.Matches(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$", session.GetProperty("createdAt").GetString());
            Assert.Matches(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$", session.GetProperty("lastActivityAt").GetString());
        }
        Assert.Equal([first, third], (await ListAsync(client, "?limit=2")).Select(s => s.GetProperty("id").GetString()));
        Assert.Equal(3, (await ListAsync(client, "?limit=100")).Count);
        Assert.Single(await ListAsync(client, "?limit=1"));
        foreach (var bad in new[] { "0", "101", "abc", "1.5", "" })
        {
            using var response = await client.GetAsync($"/api/sessions?limit={bad}");
            await ErrorAssert.IsErrorAsync(response, HttpStatusCode.BadRequest, "invalid_request", "limit must be an integer from 1 to 100");
        }
        Assert.Equal(0, await emulator.Admin.CounterAsync("GET /api/sessions"));
    }

    [Fact]
    public async Task Detail_merges_finn_state()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var key = TestEnvironment.NewApiKey();
        await using var host = await ChatTesting.StartHostAsync(emulator.BaseUrl, [], key);
        using var client = ChatTesting.Client(host, key);
        var sessionId = (await client.TurnAsync("state please")).GetProperty("sessionId").GetString()!;

        var detail = JsonDocument.Parse(await client.GetStringAsync($"/api/sessions/{sessionId}")).RootElement;
        Assert.Equal(sessionId, detail.GetProperty("id").GetString());
        Assert.Equal(1, detail.GetProperty("messageCount").GetInt32());
        Assert.Equal("finn-emulator", detail.GetProperty("state").GetProperty("model").GetString());
        Assert.False(detail.GetProperty("isStreaming").GetBoolean());

        // finn forgot the session (restart): dixie still knows it, with no live state.
        await emulator.Admin.ResetAsync();
        var dormant = JsonDocument.Parse(await client.GetStringAsync($"/api/sessions/{sessionId}")).RootElement;
        Assert.Equal(JsonValueKind.Null, dormant.GetProperty("state").ValueKind);
        Assert.False(dormant.GetProperty("isStreaming").GetBoolean());
        Assert.Equal(1, dormant.GetProperty("messageCount").GetInt32());
        Assert.Empty(host.Logs.Events("finn_call_failed"));

        using var bad = await client.GetAsync("/api/sessions/bad%20id");
        await ErrorAssert.IsErrorAsync(bad, HttpStatusCode.BadRequest, "invalid_request", "Invalid session ID format");
    }

    private static async Task<List<JsonElement>> ListAsync(HttpClient client, string query) =>
        [.. JsonDocument.Parse(await client.GetStringAsync("/api/sessions" + query)).RootElement.GetProperty("sessions").EnumerateArray()];
}
