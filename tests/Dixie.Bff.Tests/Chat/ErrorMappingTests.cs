using System.Diagnostics;
using System.Net;
using Dixie.Bff.Infrastructure.Finn;
using Dixie.Bff.Tests.Support;

namespace Dixie.Bff.Tests.Chat;

[Trait("Category", "Faults")]
public sealed class ErrorMappingTests
{
    [Fact]
    public async Task Error_mapping_table()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var key = TestEnvironment.NewApiKey();
        await using var host = await ChatTesting.StartHostAsync(emulator.BaseUrl, [], key, new() { ["DIXIE_FINN_TIMEOUT_MS"] = "1000" });
        using var client = ChatTesting.Client(host, key);
        var sessionId = (await client.TurnAsync("warm up")).GetProperty("sessionId").GetString()!;

        // Known codes decide whatever finn's status; a 4xx with a code is not an outage for the breaker.
        await ExpectAsync(client, sessionId, "status=400;code=BUDGET_EXCEEDED", 402, "usage_limit", "Usage limit reached");
        var limited = await ExpectAsync(client, sessionId, "status=429;code=RATE_LIMITED", 429, "rate_limited", "Too many requests");
        Assert.Equal("60", limited.Headers.GetValues("Retry-After").Single());
        Assert.Equal(60, (await limited.JsonAsync()).GetProperty("retry_after").GetInt32());
        await ExpectAsync(client, sessionId, "status=503;code=ORACLE_MODEL_UNAVAILABLE", 503, "service_unavailable", "Oracle temporarily unavailable");
        await ExpectAsync(client, sessionId, "status=502;code=PROVIDER_UNAVAILABLE", 502, "service_unavailable", "Service temporarily unavailable");
        await ExpectAsync(client, sessionId, "status=418", 502, "upstream_error", "Upstream error (HTTP 418)");
        await ExpectAsync(client, sessionId, "status=401;code=UNKNOWN_THING", 502, "upstream_error", "Upstream error (HTTP 401)");
        await ExpectAsync(client, sessionId, "status=500", 502, "upstream_error", "Upstream error (HTTP 500)");
        await ExpectAsync(client, sessionId, "nonjson", 502, "upstream_error", "Invalid response from inference service");
        await ExpectAsync(client, sessionId, "close", 503, "upstream_error", "Backend service unavailable");
        await ExpectAsync(client, sessionId, "delay=3000", 503, "upstream_error", "Backend service unavailable");

        var failures = host.Logs.Events("finn_call_failed");
        Assert.All(failures, line => Assert.Equal("POST /api/sessions/{id}/message", line.String("route")));
        var budget = failures[0];
        Assert.Equal("http", budget.String("kind"));
        Assert.Equal(400, budget.Int("status"));
        Assert.Equal("BUDGET_EXCEEDED", budget.String("code"));
        Assert.Equal("closed", budget.String("circuit_state"));
        Assert.Contains(failures, line => line.String("kind") == "malformed");
        Assert.Contains(failures, line => line.String("kind") == "network");
        Assert.Contains(failures, line => line.String("kind") == "timeout");
        Assert.Equal(10, failures.Count);
        Assert.Equal("warn", budget.String("level"));
        // Successes inside the window (the warm-up, the 4xx answers) keep the circuit closed.
        Assert.Equal("closed", host.Get<FinnClient>().CircuitState);
    }

    [Fact]
    public async Task Five_failures_open_the_circuit()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var key = TestEnvironment.NewApiKey();
        await using var host = await ChatTesting.StartHostAsync(emulator.BaseUrl, [], key);
        using var client = ChatTesting.Client(host, key);
        await emulator.Admin.SetFaultAsync("error", status: 500, path: "/api/sessions");
        for (var i = 0; i < 5; i++)
        {
            using var failed = await client.ChatAsync("hello");
            await ErrorAssert.IsErrorAsync(failed, HttpStatusCode.BadGateway, "upstream_error", "Upstream error (HTTP 500)");
        }
        var seen = await emulator.Admin.CounterAsync("POST /api/sessions");

        var watch = Stopwatch.StartNew();
        using var refused = await client.ChatAsync("hello");
        watch.Stop();
        await ErrorAssert.IsErrorAsync(refused, HttpStatusCode.ServiceUnavailable, "circuit_open", "Service temporarily unavailable (circuit breaker open)");
        Assert.Equal("10", refused.Headers.GetValues("Retry-After").Single());
        Assert.Equal(seen, await emulator.Admin.CounterAsync("POST /api/sessions"));
        Assert.True(watch.ElapsedMilliseconds < 250, $"an open circuit took {watch.ElapsedMilliseconds} ms over HTTP");

        var opened = host.Logs.Events("circuit_breaker_transition").Single();
        Assert.Equal("open", opened.String("to"));
        Assert.Equal("closed", opened.String("from"));
        Assert.Equal("open", opened.String("circuit_state"));
        Assert.Equal(5, opened.Int("consecutive_failures"));
        Assert.Equal("error", opened.String("level"));
        Assert.Equal("circuit", host.Logs.Events("finn_call_failed")[^1].String("kind"));
    }

    [Fact]
    public async Task Hangs_past_the_timeout_open_the_circuit()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var key = TestEnvironment.NewApiKey();
        await using var host = await ChatTesting.StartHostAsync(emulator.BaseUrl, [], key, new() { ["DIXIE_FINN_TIMEOUT_MS"] = "1000" });
        using var client = ChatTesting.Client(host, key);
        await emulator.Admin.SetFaultAsync("slow", path: "/api/sessions", delayMs: 5000);
        for (var i = 0; i < 5; i++)
        {
            using var failed = await client.ChatAsync("hello");
            await ErrorAssert.IsErrorAsync(failed, HttpStatusCode.ServiceUnavailable, "upstream_error", "Backend service unavailable");
        }
        using var refused = await client.ChatAsync("hello");
        await ErrorAssert.IsErrorAsync(refused, HttpStatusCode.ServiceUnavailable, "circuit_open");
        Assert.Equal(5, host.Logs.Events("finn_call_failed").Count(line => line.String("kind") == "timeout"));
    }

    [Fact]
    public async Task Refused_connections_open_the_circuit()
    {
        var port = Infrastructure.FreePort.Next();
        var key = TestEnvironment.NewApiKey();
        await using var host = await ChatTesting.StartHostAsync($"http://127.0.0.1:{port}", [], key);
        using var client = ChatTesting.Client(host, key);
        for (var i = 0; i < 5; i++)
        {
            using var failed = await client.ChatAsync("hello");
            await ErrorAssert.IsErrorAsync(failed, HttpStatusCode.ServiceUnavailable, "upstream_error", "Backend service unavailable");
        }
        using var refused = await client.ChatAsync("hello");
        await ErrorAssert.IsErrorAsync(refused, HttpStatusCode.ServiceUnavailable, "circuit_open");
    }

    [Fact]
    public async Task Client_cancel_is_not_a_breaker_failure()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var key = TestEnvironment.NewApiKey();
        await using var host = await ChatTesting.StartHostAsync(emulator.BaseUrl, [], key);
        using var client = ChatTesting.Client(host, key);
        var sessionId = (await client.TurnAsync("before")).GetProperty("sessionId").GetString()!;
        for (var i = 0; i < 10; i++)
        {
            using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.ChatAsync("slow [[fault:delay=5000]]", sessionId, cancel.Token));
        }
        await Eventually.TrueAsync(() => host.Logs.Events("chat_turn").Count(l => l.String("outcome") == "disconnected") == 10,
            what: "ten disconnected turns");
        Assert.Equal("closed", host.Get<FinnClient>().CircuitState);
        Assert.Empty(host.Logs.Events("finn_call_failed"));
        Assert.Equal(1, await ChatTesting.InteractionSignalsAsync(host, sessionId));
    }

    private static async Task<HttpResponseMessage> ExpectAsync(HttpClient client, string sessionId, string fault, int status, string error, string message)
    {
        var response = await client.ChatAsync($"trouble [[fault:{fault}]]", sessionId);
        await ErrorAssert.IsErrorAsync(response, (HttpStatusCode)status, error, message);
        return response;
    }
}
