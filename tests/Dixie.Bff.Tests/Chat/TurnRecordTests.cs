using System.Net;
using Dixie.Bff.Tests.Infrastructure;
using Dixie.Bff.Tests.Outbox;
using Dixie.Bff.Tests.Support;

namespace Dixie.Bff.Tests.Chat;

public sealed class TurnRecordTests
{
    [Fact]
    public async Task Turn_writes_skip_the_flush_wait_only_inside_their_own_transaction()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var key = TestEnvironment.NewApiKey();
        // One pooled connection: every turn write and the check below share a session.
        await using var host = await ChatTesting.StartHostAsync(emulator.BaseUrl, [], key, new() { ["DATABASE_POOL_SIZE"] = "1" });
        using var client = ChatTesting.Client(host, key);
        // The test server runs with synchronous_commit off; the pooled session is set to on (and keeps it,
        // nothing resets pooled sessions), so a turn setting leaking out of its transaction would show.
        await host.ExecuteAsync("SET synchronous_commit = on");

        var sessionId = (await client.TurnAsync("first")).GetProperty("sessionId").GetString()!;
        await client.TurnAsync("second", sessionId);

        Assert.Equal("on", await host.ScalarAsync<string>("SHOW synchronous_commit"));
        Assert.Equal(2, await host.ScalarAsync<int>($"SELECT message_count FROM chat_sessions WHERE session_id = '{sessionId}'"));
        Assert.Equal(2, await ChatTesting.InteractionSignalsAsync(host, sessionId));

        // A client retrying a turn with the same X-Request-Id: the signal is keyed chat:{session}:{message} (spec 10 §2.2).
        for (var i = 0; i < 2; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/chat")
            {
                Content = System.Net.Http.Json.JsonContent.Create(new { prompt = "retried", sessionId }),
            };
            request.Headers.Add("X-Request-Id", "turn-retried-1");
            using var response = await client.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        Assert.Equal(3, await ChatTesting.InteractionSignalsAsync(host, sessionId));
        Assert.Equal($"chat:{sessionId}:turn-retried-1", await host.ScalarAsync<string>(
            $"SELECT dedup_key FROM event_outbox WHERE payload->'data'->>'message_id' = 'turn-retried-1' AND payload->'data'->>'session_id' = '{sessionId}'"));
    }

    [Fact]
    public async Task Database_down_after_the_answer_still_returns_it_and_logs_the_lost_record()
    {
        await using var postgres = await PostgresServer.StartAsync();
        await using var emulator = await TestEmulator.StartAsync();
        var key = TestEnvironment.NewApiKey();
        await using var host = await ChatTesting.StartHostAsync(emulator.BaseUrl, [], key, databaseUrl: await postgres.CreateDatabaseAsync());
        using var client = ChatTesting.Client(host, key);
        var sessionId = (await client.TurnAsync("first")).GetProperty("sessionId").GetString()!;

        // finn holds the answer while the database goes away between the ownership check and step 4.
        var turn = client.ChatAsync("second [[fault:delay=3000]]", sessionId);
        await Eventually.TrueAsync(async () => await emulator.Admin.CounterAsync("POST /api/sessions/{id}/message") == 2, what: "the second message reaching finn");
        await postgres.StopAsync();
        try
        {
            using var response = await turn;
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var body = await response.JsonAsync();
            Assert.Equal(sessionId, body.GetProperty("sessionId").GetString());
            var failed = await host.Logs.WaitForAsync("chat_turn_record_failed");
            Assert.Equal(sessionId, failed.String("session_id"));
            Assert.Equal("error", failed.String("level"));
            Assert.Contains(host.Logs.Events("chat_turn"), line => line.String("outcome") == "ok" && line.String("session_id") == sessionId);
        }
        finally
        {
            await postgres.StartAgainAsync();
        }
        Assert.Equal(1, await ChatTesting.InteractionSignalsAsync(host, sessionId));
    }
}
