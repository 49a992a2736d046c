using System.Text.Json;
using System.Text.RegularExpressions;
using Dixie.Bff.Infrastructure.Finn;
using Dixie.Bff.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Dixie.Bff.Tests.Finn;

/// <summary>Breaker timing on a fake clock. Alone: the state gauge reads the last breaker built in the process.</summary>
[Collection(nameof(BreakerTimingTests))]
[Trait("Category", "Faults")]
public sealed class BreakerTimingTests
{
    private static readonly FinnCallContext Caller = new("breaker-timing-test");

    [Fact]
    public async Task Success_in_window_delays_opening()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var host = await StartAsync(emulator, time);
        var finn = host.Get<FinnClient>();
        Assert.True((await finn.CreateSessionAsync(FinnNewSession.Oracle, Caller, CancellationToken.None)).IsSuccess);

        time.Advance(TimeSpan.FromSeconds(10));
        await emulator.Admin.SetFaultAsync("error", status: 500, path: "/api/sessions");
        for (var i = 0; i < 5; i++)
            await Assert.ThrowsAsync<FinnCallException>(() => finn.CreateSessionAsync(FinnNewSession.Oracle, Caller, CancellationToken.None));
        Assert.Equal("closed", finn.CircuitState);

        // The success ages out of the 30 s window; the five failures are still in it.
        time.Advance(TimeSpan.FromSeconds(21));
        await Assert.ThrowsAsync<FinnCallException>(() => finn.CreateSessionAsync(FinnNewSession.Oracle, Caller, CancellationToken.None));
        Assert.Equal("open", finn.CircuitState);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Half_open_admits_one_probe(bool probeSucceeds)
    {
        await using var emulator = await TestEmulator.StartAsync();
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var host = await StartAsync(emulator, time);
        var finn = host.Get<FinnClient>();
        await emulator.Admin.SetFaultAsync("error", status: 500, path: "/api/sessions");
        for (var i = 0; i < 5; i++)
            await Assert.ThrowsAsync<FinnCallException>(() => finn.CreateSessionAsync(FinnNewSession.Oracle, Caller, CancellationToken.None));
        Assert.Equal("open", finn.CircuitState);
        Assert.Equal("open", await HealthStateAsync(host));
        Assert.Equal("open", await GaugeStateAsync(host));

        await emulator.Admin.ResetAsync();
        // The probe is held for a while, so the other calls arrive while it is in flight.
        if (probeSucceeds) await emulator.Admin.SetFaultAsync("slow", delayMs: 3000, path: "/api/sessions");
        else await emulator.Admin.SetFaultAsync("error", status: 503, path: "/api/sessions");
        time.Advance(TimeSpan.FromSeconds(10));

        var probe = Task.Run(() => finn.CreateSessionAsync(FinnNewSession.Oracle, Caller, CancellationToken.None));
        await Eventually.TrueAsync(async () => await emulator.Admin.CounterAsync("POST /api/sessions") == 1, what: "the probe reaching finn");
        var others = await Task.WhenAll(Enumerable.Range(0, 9).Select(_ => Task.Run(async () =>
            await Assert.ThrowsAsync<FinnCallException>(() => finn.CreateSessionAsync(FinnNewSession.Oracle, Caller, CancellationToken.None)))));
        Assert.All(others, refused => Assert.Equal(FinnFailureKind.Circuit, refused.Kind));
        if (probeSucceeds)
        {
            Assert.All(others, refused => Assert.Equal(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(FinnErrors.Map(refused).RetryAfterSeconds!.Value)));
            Assert.Equal("half_open", finn.CircuitState);
            Assert.Equal("half_open", await HealthStateAsync(host));
            // The scrape endpoint caches its answer briefly: poll.
            await Eventually.TrueAsync(async () => await GaugeStateAsync(host) == "half_open", what: "the gauge reading half_open");
            Assert.True((await probe).IsSuccess);
            Assert.Equal("closed", finn.CircuitState);
            await Eventually.TrueAsync(async () => await GaugeStateAsync(host) == "closed", what: "the gauge reading closed");
        }
        else
        {
            await Assert.ThrowsAsync<FinnCallException>(() => probe);
            Assert.Equal("open", finn.CircuitState);
        }
        Assert.Equal(1, await emulator.Admin.CounterAsync("POST /api/sessions"));

        var transitions = host.Logs.Events("circuit_breaker_transition");
        Assert.Equal(probeSucceeds ? ["open", "half-open", "closed"] : ["open", "half-open", "open"], transitions.Select(t => t.String("to")));
        Assert.Equal("warn", transitions[1].String("level"));
        Assert.Equal(probeSucceeds ? "info" : "error", transitions[2].String("level"));
        Assert.Equal(probeSucceeds ? "closed" : "open", transitions[2].String("circuit_state"));
    }

    private static Task<DixieHost> StartAsync(TestEmulator emulator, FakeTimeProvider time) =>
        DixieHost.StartAsync(new DixieHostOptions
        {
            FinnUrl = emulator.BaseUrl,
            ConfigureServices = services => services.AddSingleton<TimeProvider>(time),
        });

    private static async Task<string?> HealthStateAsync(DixieHost host) =>
        JsonDocument.Parse(await host.Client.GetStringAsync("/api/health")).RootElement
            .GetProperty("services").GetProperty("loa_finn").GetProperty("circuit_state").GetString();

    /// <summary>The state whose `dixie_finn_circuit_state` series reads 1.</summary>
    private static async Task<string?> GaugeStateAsync(DixieHost host)
    {
        var text = await host.Client.GetStringAsync("/metrics");
        var match = Regex.Match(text, @"^dixie_finn_circuit_state\{[^}]*state=""(\w+)""[^}]*\} 1\b", RegexOptions.Multiline);
        return match.Success ? match.Groups[1].Value : null;
    }
}

[CollectionDefinition(nameof(BreakerTimingTests), DisableParallelization = true)]
public sealed class BreakerTimingCollection;
