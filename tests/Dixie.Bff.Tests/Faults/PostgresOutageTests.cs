using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dixie.Bff.Features.Auth;
using Dixie.Bff.Tests.Allowlist;
using Dixie.Bff.Tests.Chat;
using Dixie.Bff.Tests.Infrastructure;
using Dixie.Bff.Tests.Support;

namespace Dixie.Bff.Tests.Faults;

/// <summary>
/// Spec 13 F3: PostgreSQL stopped under traffic. Health and readiness for this case have their own
/// test (Health/HealthOutageTests); this one is about the requests in flight and the writes, before,
/// during and after the outage, on one service instance that is never restarted.
/// </summary>
[Trait("Category", "Faults")]
public sealed class PostgresOutageTests
{
    [Fact]
    public async Task Postgres_stopped_mid_traffic_answers_503_database_unavailable_and_recovers_without_a_restart()
    {
        await using var postgres = await PostgresServer.StartAsync();
        var wallet = AllowlistTesting.NewWallet();
        await using var host = await ChatTesting.StartHostAsync((await SharedEmulator.GetAsync()).BaseUrl, [wallet], TestEnvironment.NewApiKey(),
            databaseUrl: await postgres.CreateDatabaseAsync());
        using var chat = ChatTesting.Client(host, host.Get<TokenIssuer>().Issue(wallet).Token);
        var before = (await chat.TurnAsync("before the outage")).GetProperty("sessionId").GetString()!;

        // Traffic that keeps running across the outage: every answer is recorded.
        using var stop = new CancellationTokenSource();
        var answers = new ConcurrentBag<(string Route, HttpStatusCode Status, string? Error, string? MediaType)>();
        var traffic = Task.Run(() => TrafficAsync(host, chat, answers, stop.Token));

        await postgres.StopAsync();
        var health = await Eventually.ValueAsync(
            async () => JsonDocument.Parse(await host.Client.GetStringAsync("/api/health")).RootElement,
            b => b.GetProperty("infrastructure").GetProperty("postgresql").GetProperty("status").GetString() == "unreachable",
            TimeSpan.FromSeconds(10), b => b.GetRawText());
        Assert.Equal("degraded", health.GetProperty("status").GetString());
        await ErrorAssert.IsErrorAsync(await host.Client.GetAsync("/healthz/ready"), HttpStatusCode.ServiceUnavailable, "not_ready");
        using (var add = AllowlistTesting.Admin(HttpMethod.Post, "/api/admin/allowlist", JsonContent.Create(new { type = "wallet", value = AllowlistTesting.NewWallet() })))
            await ErrorAssert.IsErrorAsync(await host.Client.SendAsync(add), HttpStatusCode.ServiceUnavailable, "database_unavailable", "Database unavailable");
        await ErrorAssert.IsErrorAsync(await chat.GetAsync("/api/sessions"), HttpStatusCode.ServiceUnavailable, "database_unavailable", "Database unavailable");
        await Task.Delay(TimeSpan.FromSeconds(1));

        await postgres.StartAgainAsync();
        await Eventually.TrueAsync(async () => (await host.Client.GetAsync("/healthz/ready")).StatusCode == HttpStatusCode.OK, TimeSpan.FromSeconds(30), "readiness after the restart");
        await stop.CancelAsync();
        await traffic;

        // The same instance writes and reads again, and kept what it had.
        var added = AllowlistTesting.NewWallet();
        using (var add = AllowlistTesting.Admin(HttpMethod.Post, "/api/admin/allowlist", JsonContent.Create(new { type = "wallet", value = added })))
            Assert.Equal(HttpStatusCode.Created, (await host.Client.SendAsync(add)).StatusCode);
        var sessions = await (await chat.GetAsync("/api/sessions")).JsonAsync();
        Assert.Contains(sessions.GetProperty("sessions").EnumerateArray(), s => s.GetProperty("id").GetString() == before);
        await chat.TurnAsync("after the outage", before);

        // Under the outage nothing answered 500 and every error was the JSON shape with a known code.
        Assert.Contains(answers, a => a.Status == HttpStatusCode.ServiceUnavailable);
        Assert.All(answers.Where(a => (int)a.Status >= 400), a =>
        {
            Assert.Equal("application/json", a.MediaType);
            Assert.Contains(a.Error, new[] { "database_unavailable", "not_ready" });
        });
        Assert.DoesNotContain(answers, a => a.Status == HttpStatusCode.InternalServerError);
    }

    private static async Task TrafficAsync(DixieHost host, HttpClient chat, ConcurrentBag<(string, HttpStatusCode, string?, string?)> answers, CancellationToken ct)
    {
        string[] routes = ["/api/health", "/healthz/ready", "/api/sessions"];
        while (!ct.IsCancellationRequested)
        {
            foreach (var route in routes)
            {
                var client = route == "/api/sessions" ? chat : host.Client;
                using var response = await client.GetAsync(route, CancellationToken.None);
                var text = await response.Content.ReadAsStringAsync(CancellationToken.None);
                string? error = null;
                if ((int)response.StatusCode >= 400 && text.StartsWith('{'))
                    error = JsonDocument.Parse(text).RootElement.TryGetProperty("error", out var e) ? e.GetString() : null;
                answers.Add((route, response.StatusCode, error, response.Content.Headers.ContentType?.MediaType));
            }
            try { await Task.Delay(50, ct); } catch (OperationCanceledException) { return; }
        }
    }
}
