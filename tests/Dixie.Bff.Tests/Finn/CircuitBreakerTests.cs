using System.Diagnostics;
using System.Text.Json;
using Dixie.Bff.Infrastructure.Finn;
using Dixie.Bff.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Dixie.Bff.Tests.Finn;

[Trait("Category", "Faults")]
public sealed class CircuitBreakerTests
{
    private static readonly FinnCallContext Caller = new("breaker-test");

    [Fact]
    public async Task Five_failures_open_the_breaker_which_half_opens_after_the_cooldown_and_closes_on_success()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var host = await StartWithClockAsync(emulator, time);
        var finn = host.Get<FinnClient>();
        await emulator.Admin.SetFaultAsync("error", status: 500, path: "/api/sessions");

        for (var i = 0; i < 5; i++)
        {
            var failure = await Assert.ThrowsAsync<FinnCallException>(() => finn.CreateSessionAsync(new { }, Caller, CancellationToken.None));
            Assert.Equal(FinnFailureKind.Http, failure.Kind);
        }
        Assert.Equal("open", finn.CircuitState);
        var seen = await emulator.Admin.CounterAsync("POST /api/sessions");

        // While open: fails fast, with a Retry-After, and finn sees nothing.
        var watch = Stopwatch.StartNew();
        var refused = await Assert.ThrowsAsync<FinnCallException>(() => finn.CreateSessionAsync(new { }, Caller, CancellationToken.None));
        watch.Stop();
        Assert.Equal(FinnFailureKind.Circuit, refused.Kind);
        Assert.True(refused.RetryAfter > TimeSpan.Zero);
        Assert.True(watch.ElapsedMilliseconds < 50, $"open breaker took {watch.ElapsedMilliseconds} ms");
        Assert.Equal(seen, await emulator.Admin.CounterAsync("POST /api/sessions"));

        var health = JsonDocument.Parse(await host.Client.GetStringAsync("/api/health")).RootElement;
        var entry = health.GetProperty("services").GetProperty("loa_finn");
        Assert.Equal("open", entry.GetProperty("circuit_state").GetString());
        Assert.Equal("degraded", entry.GetProperty("status").GetString());

        // After the cooldown one probe goes through; its success closes the circuit.
        await emulator.Admin.ClearFaultsAsync();
        time.Advance(TimeSpan.FromSeconds(11));
        var created = await finn.CreateSessionAsync(new { }, Caller, CancellationToken.None);
        Assert.True(created.IsSuccess);
        Assert.Equal("closed", finn.CircuitState);

        var transitions = host.Logs.Events("circuit_breaker_transition");
        Assert.Equal(["open", "half-open", "closed"], transitions.Select(e => e.String("to")));
        var opened = transitions[0];
        Assert.Equal("error", opened.String("level"));
        Assert.Equal("loa-finn", opened.String("service"));
        Assert.Equal(5, opened.Int("consecutive_failures"));
    }

    [Fact]
    public async Task A_failed_probe_opens_the_breaker_again()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var host = await StartWithClockAsync(emulator, time);
        var finn = host.Get<FinnClient>();
        await emulator.Admin.SetFaultAsync("error", status: 502, path: "/api/sessions");
        await TripAsync(finn);
        time.Advance(TimeSpan.FromSeconds(11));
        var probe = await Assert.ThrowsAsync<FinnCallException>(() => finn.CreateSessionAsync(new { }, Caller, CancellationToken.None));
        Assert.Equal(FinnFailureKind.Http, probe.Kind);
        Assert.Equal("open", finn.CircuitState);
    }

    [Fact]
    public async Task A_probe_the_caller_cancels_does_not_close_the_breaker()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var host = await StartWithClockAsync(emulator, time);
        var finn = host.Get<FinnClient>();
        await emulator.Admin.SetFaultAsync("error", status: 500, path: "/api/sessions");
        await TripAsync(finn);
        await emulator.Admin.SetFaultAsync("slow", delayMs: 5_000, path: "/api/sessions");
        time.Advance(TimeSpan.FromSeconds(11));

        // The caller gives up on the probe: nothing proved finn healthy, so the circuit must not close.
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => finn.CreateSessionAsync(new { }, Caller, cancel.Token));
        Assert.NotEqual("closed", finn.CircuitState);
        Assert.DoesNotContain(host.Logs.Events("circuit_breaker_transition"), e => e.String("to") == "closed");
    }

    [Fact]
    public async Task State_is_exposed()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var host = await StartWithClockAsync(emulator, time);
        var finn = host.Get<FinnClient>();
        async Task<string?> HealthStateAsync() => JsonDocument.Parse(await host.Client.GetStringAsync("/api/health")).RootElement
            .GetProperty("services").GetProperty("loa_finn").GetProperty("circuit_state").GetString();

        Assert.Equal("closed", await HealthStateAsync());
        await emulator.Admin.SetFaultAsync("error", status: 503, path: "/api/sessions");
        await TripAsync(finn);
        Assert.Equal("open", await HealthStateAsync());

        // The probe is held by a slow finn, so the half-open state is observable while it runs.
        await emulator.Admin.SetFaultAsync("slow", delayMs: 1_500, path: "/api/sessions");
        time.Advance(TimeSpan.FromSeconds(11));
        var probe = finn.CreateSessionAsync(new { }, Caller, CancellationToken.None);
        Assert.Equal("half_open", await HealthStateAsync());
        Assert.True((await probe).IsSuccess);
        Assert.Equal("closed", await HealthStateAsync());
    }

    [Fact]
    public async Task Finn_404s_leave_the_breaker_closed()
    {
        await using var emulator = await TestEmulator.StartAsync();
        await using var host = await DixieHost.StartAsync(new DixieHostOptions { FinnUrl = emulator.BaseUrl });
        var finn = host.Get<FinnClient>();
        for (var i = 0; i < 10; i++)
        {
            var response = await finn.SendMessageAsync("01JH5Z8Q3V7K2M4N6P8R0T2W4Y", "hello", Caller, CancellationToken.None);
            Assert.Equal(404, response.Status);
            Assert.Equal("SESSION_NOT_FOUND", response.Code);
        }
        Assert.Equal("closed", finn.CircuitState);
    }

    [Fact]
    public async Task Client_errors_never_open_it()
    {
        await using var emulator = await TestEmulator.StartAsync();
        await using var host = await DixieHost.StartAsync(new DixieHostOptions { FinnUrl = emulator.BaseUrl });
        var finn = host.Get<FinnClient>();
        var created = await finn.CreateSessionAsync(FinnNewSession.Oracle, Caller, CancellationToken.None);
        var sessionId = created.Value!.SessionId;
        for (var i = 0; i < 50; i++)
        {
            Assert.Equal(404, (await finn.SendMessageAsync("01JH5Z8Q3V7K2M4N6P8R0T2W4Y", "hello", Caller, CancellationToken.None)).Status);
            Assert.Equal(400, (await finn.SendMessageAsync(sessionId, "[[fault:status=400]]", Caller, CancellationToken.None)).Status);
        }
        Assert.Equal("closed", finn.CircuitState);
        Assert.Empty(host.Logs.Events("circuit_breaker_transition"));
    }

    [Theory]
    [InlineData("status=429")]
    [InlineData("nonjson")]
    public async Task Rate_limits_and_malformed_bodies_count(string fault)
    {
        await using var emulator = await TestEmulator.StartAsync();
        // The session is made behind dixie's back: a success inside the window would keep the circuit closed.
        using var direct = DixieHost.CreateClient(new Uri(emulator.BaseUrl));
        using var made = await direct.PostAsync("/api/sessions", null);
        var sessionId = JsonDocument.Parse(await made.Content.ReadAsStringAsync()).RootElement.GetProperty("sessionId").GetString()!;
        await using var host = await DixieHost.StartAsync(new DixieHostOptions { FinnUrl = emulator.BaseUrl });
        var client = host.Get<FinnClient>();
        for (var i = 0; i < 5; i++)
            await Assert.ThrowsAsync<FinnCallException>(() => client.SendMessageAsync(sessionId, $"[[fault:{fault}]]", Caller, CancellationToken.None));
        Assert.Equal("open", client.CircuitState);
    }

    [Fact]
    public async Task Wrongly_shaped_replies_are_malformed()
    {
        await using var emulator = await TestEmulator.StartAsync();
        await using var host = await DixieHost.StartAsync(new DixieHostOptions { FinnUrl = emulator.BaseUrl });
        var finn = host.Get<FinnClient>();
        // The health route answers a JSON object without `response`: the wrong shape for a message reply.
        var failure = await Assert.ThrowsAsync<FinnCallException>(() => finn.SendAsync(FinnOperation.GetSession, "health", null,
            FinnJson.Default.FinnMessageReply, Caller, CancellationToken.None));
        Assert.Equal(FinnFailureKind.Malformed, failure.Kind);
    }

    [Fact]
    public async Task Health_probe_failures_never_touch_the_breaker()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var host = await StartWithClockAsync(emulator, time);
        await emulator.Admin.SetFaultAsync("error", status: 500, path: "/health");
        for (var i = 0; i < 10; i++)
        {
            time.Advance(TimeSpan.FromSeconds(11));
            await host.Client.GetStringAsync("/api/health");
        }
        Assert.Equal("closed", host.Get<FinnClient>().CircuitState);
    }

    [Fact]
    public async Task Health_probe_is_cached_for_ten_seconds_and_single_flight()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var host = await StartWithClockAsync(emulator, time);
        await emulator.Admin.ResetAsync();
        for (var i = 0; i < 20; i++) await host.Client.GetStringAsync("/api/health");
        Assert.Equal(1, await emulator.Admin.CounterAsync("GET /health"));

        time.Advance(TimeSpan.FromSeconds(10));
        await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => host.Client.GetStringAsync("/api/health")));
        Assert.Equal(2, await emulator.Admin.CounterAsync("GET /health"));
    }

    [Fact]
    public void Integrity_header_vectors()
    {
        var create = System.Text.Encoding.UTF8.GetBytes("{\"agentId\":\"oracle\"}");
        var createHash = FinnClient.RequestHash(create);
        Assert.Equal("sha256:a95ea0e5ee69852fb8defb94c71cbe978d69564ba0ee4d512a875e694051547e", createHash);
        Assert.Equal("0da813ecd95892814a6b7dc34ad11d22cc009c6d05d9453b98b2fa263e694822", FinnClient.IdempotencyKey(createHash, "/api/sessions"));

        var message = System.Text.Encoding.UTF8.GetBytes("{\"text\":\"Hello, what is Berachain?\",\"prompt\":\"Hello, what is Berachain?\"}");
        var messageHash = FinnClient.RequestHash(message);
        Assert.Equal("sha256:a8af888d75ed9994c0033d8c7ec2cbbb8209475bcc6397c36ff990cbe0563743", messageHash);
        Assert.Equal("e99ca2cc4b08069d70ddcc45b33101df4d561a33d1b1714eb8e953dca39bafb2",
            FinnClient.IdempotencyKey(messageHash, "/api/sessions/01JH5Z8Q3V7K2M4N6P8R0T2W4Y/message"));
    }

    [Fact]
    public async Task A_connect_timeout_is_a_timeout_failure_that_counts_towards_opening()
    {
        await using var emulator = await TestEmulator.StartAsync();
        await using var host = await DixieHost.StartAsync(new DixieHostOptions { FinnUrl = emulator.BaseUrl });
        // The runtime's own connect timeout, as when finn's address silently drops the connection attempt.
        using var handler = new SocketsHttpHandler
        {
            ConnectTimeout = TimeSpan.FromMilliseconds(100),
            ConnectCallback = async (_, ct) =>
            {
                await Task.Delay(Timeout.Infinite, ct);
                throw new InvalidOperationException("unreachable");
            },
        };
        using var http = new HttpClient(handler) { BaseAddress = new Uri(emulator.BaseUrl + "/") };
        var finn = new FinnClient(http, host.Get<FinnCircuitBreaker>(), host.Get<Dixie.Bff.Infrastructure.Configuration.DixieConfig>(),
            host.Get<Microsoft.Extensions.Logging.ILogger<FinnClient>>());

        for (var i = 0; i < 5; i++)
        {
            var failure = await Assert.ThrowsAsync<FinnCallException>(() => finn.CreateSessionAsync(new { }, Caller, CancellationToken.None));
            Assert.Equal(FinnFailureKind.Timeout, failure.Kind);
        }
        Assert.Equal("open", finn.CircuitState);
        Assert.Equal(0, await emulator.Admin.CounterAsync("POST /api/sessions"));
    }

    private static Task<DixieHost> StartWithClockAsync(TestEmulator emulator, FakeTimeProvider time) =>
        DixieHost.StartAsync(new DixieHostOptions
        {
            FinnUrl = emulator.BaseUrl,
            ConfigureServices = services => services.AddSingleton<TimeProvider>(time),
        });

    /// <summary>Five failing calls: the breaker opens (the emulator must be set to fail them).</summary>
    private static async Task TripAsync(FinnClient finn)
    {
        for (var i = 0; i < 5; i++)
            await Assert.ThrowsAsync<FinnCallException>(() => finn.CreateSessionAsync(new { }, Caller, CancellationToken.None));
    }
}
