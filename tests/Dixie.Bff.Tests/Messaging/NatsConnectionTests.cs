using System.Diagnostics;
using Dixie.Bff.Infrastructure;
using Dixie.Bff.Infrastructure.Logging;
using Dixie.Bff.Infrastructure.Nats;
using Dixie.Bff.Tests.Infrastructure;
using Dixie.Bff.Tests.Support;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

namespace Dixie.Bff.Tests.Messaging;

public sealed class NatsConnectionTests
{
    private static Task<MessagingHost> StartAsync(int port) =>
        MessagingHost.StartAsync(MessagingConfig.Create(natsUrl: $"nats://127.0.0.1:{port}"), (services, config) => services.AddNats(config));

    private static async Task<StreamConfig> StreamConfigAsync(NatsServer server)
    {
        await using var connection = new NatsConnection(new NatsOpts { Url = server.Url });
        var stream = await new NatsJSContext(connection).GetStreamAsync(SignalStream.Name);
        return stream.Info.Config;
    }

    private static async Task PreCreateStreamAsync(NatsServer server, StreamConfig config)
    {
        await using var connection = new NatsConnection(new NatsOpts { Url = server.Url });
        await new NatsJSContext(connection).CreateStreamAsync(config);
    }

    [Fact]
    public async Task Stream_is_created_with_the_documented_config()
    {
        await using var server = await NatsServer.StartAsync();
        await using var host = await StartAsync(server.Port);
        var status = host.Get<NatsStatus>();

        await status.WaitUntilReadyAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
        var config = await StreamConfigAsync(server);

        Assert.Equal(NatsState.Ready, status.State);
        Assert.Equal(["dixie.signal.>"], config.Subjects);
        Assert.Equal(StreamConfigRetention.Limits, config.Retention);
        Assert.Equal(100_000, config.MaxMsgs);
        Assert.Equal(StreamConfigDiscard.Old, config.Discard);
        Assert.Equal(TimeSpan.FromDays(7), config.MaxAge);
        Assert.Equal(StreamConfigStorage.File, config.Storage);
        Assert.Equal(1, config.NumReplicas);
        Assert.Equal(TimeSpan.FromMinutes(2), config.DuplicateWindow);
        Assert.Equal(SignalStream.Name, host.Logs.Events(LogEvents.NatsStreamCreated).Single().String("stream"));
        var connected = host.Logs.Events(LogEvents.NatsConnected).Single();
        Assert.Equal($"nats://127.0.0.1:{server.Port}", connected.String("server"));
        Assert.True(connected.Bool("jetstream"));
        Assert.False(string.IsNullOrEmpty(connected.String("server_version")));
    }

    [Fact]
    public async Task Stream_with_different_limits_is_updated()
    {
        await using var server = await NatsServer.StartAsync();
        await PreCreateStreamAsync(server, SignalStream.Desired(1) with
        {
            MaxMsgs = 10,
            MaxAge = TimeSpan.FromDays(1),
            DuplicateWindow = TimeSpan.FromSeconds(30),
        });
        await using var host = await StartAsync(server.Port);

        await host.Get<NatsStatus>().WaitUntilReadyAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
        var config = await StreamConfigAsync(server);

        Assert.Equal(100_000, config.MaxMsgs);
        Assert.Equal(TimeSpan.FromDays(7), config.MaxAge);
        Assert.Equal(TimeSpan.FromMinutes(2), config.DuplicateWindow);
        var updated = host.Logs.Events(LogEvents.NatsStreamUpdated).Single();
        Assert.Equal("max_msgs,max_age,duplicate_window", updated.String("changed"));
        Assert.Empty(host.Logs.Events(LogEvents.NatsStreamCreated));
    }

    [Fact]
    public async Task Stream_whose_storage_cannot_change_is_a_mismatch_but_still_used()
    {
        await using var server = await NatsServer.StartAsync();
        await PreCreateStreamAsync(server, SignalStream.Desired(1) with
        {
            Storage = StreamConfigStorage.Memory,
            MaxAge = TimeSpan.FromDays(1),
        });
        await using var host = await StartAsync(server.Port);

        await host.Get<NatsStatus>().WaitUntilReadyAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
        var config = await StreamConfigAsync(server);

        Assert.Equal(StreamConfigStorage.Memory, config.Storage);
        Assert.Equal(TimeSpan.FromDays(7), config.MaxAge);
        Assert.Equal("storage", host.Logs.Events(LogEvents.NatsStreamMismatch).Single().String("fields"));
        Assert.Equal("max_age", host.Logs.Events(LogEvents.NatsStreamUpdated).Single().String("changed"));
    }

    [Fact]
    public async Task Late_nats_is_connected_without_restart()
    {
        // Started once and stopped, so the port is known and nothing listens on it yet.
        await using var server = await NatsServer.StartAsync();
        await server.StopAsync();
        var stopwatch = Stopwatch.StartNew();
        await using var host = await StartAsync(server.Port);
        var status = host.Get<NatsStatus>();

        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(1), $"start took {stopwatch.Elapsed}");
        Assert.Equal(NatsState.Connecting, status.State);
        Assert.Equal("NATS not connected", (await status.ProbeAsync(CancellationToken.None)).Error);

        await Task.Delay(TimeSpan.FromSeconds(3));
        await server.StartAgainAsync();
        await status.WaitUntilReadyAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(15));

        var failed = host.Logs.Events(LogEvents.NatsConnectFailed).Single();
        Assert.True(failed.Int("attempts") >= 1);
        Assert.Equal(ProbeResult.Healthy, (await status.ProbeAsync(CancellationToken.None)).Status);
    }

    [Fact]
    public async Task Nats_without_jetstream_stays_connected_and_reports_jetstream_unavailable()
    {
        await using var server = await NatsServer.StartAsync(jetStream: false);
        await using var host = await StartAsync(server.Port);
        var status = host.Get<NatsStatus>();

        var error = await host.Logs.WaitForAsync(LogEvents.NatsStreamError);
        var result = await status.ProbeAsync(CancellationToken.None);

        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Error, error.Level);
        Assert.Equal(NatsState.Connected, status.State);
        Assert.Equal(new ProbeResult(ProbeResult.Unreachable, result.LatencyMs, "JetStream unavailable"), result);
        Assert.False(host.Logs.Events(LogEvents.NatsConnected).Single().Bool("jetstream"));
    }

    [Fact]
    public async Task Stopped_nats_is_not_connected_at_once_and_is_ready_again_after_restart()
    {
        await using var server = await NatsServer.StartAsync();
        await using var host = await StartAsync(server.Port);
        var status = host.Get<NatsStatus>();
        await status.WaitUntilReadyAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
        var healthy = await status.ProbeAsync(CancellationToken.None);

        await server.StopAsync();
        await Eventually.TrueAsync(() => status.State == NatsState.Disconnected, what: "the disconnected state");
        var stopwatch = Stopwatch.StartNew();
        var down = await status.ProbeAsync(CancellationToken.None);
        stopwatch.Stop();

        Assert.Equal(ProbeResult.Healthy, healthy.Status);
        Assert.Equal(ProbeResult.Unreachable, down.Status);
        Assert.Equal("NATS not connected", down.Error);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromMilliseconds(500), $"took {stopwatch.Elapsed}");
        Assert.False(status.WaitUntilReadyAsync(CancellationToken.None).IsCompleted);
        await host.Logs.WaitForAsync(LogEvents.NatsDisconnected);

        await server.StartAgainAsync();
        await status.WaitUntilReadyAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(15));
        Assert.Equal(2, host.Logs.Events(LogEvents.NatsConnected).Count);
        Assert.Equal(ProbeResult.Healthy, (await status.ProbeAsync(CancellationToken.None)).Status);
    }

    [Fact]
    public async Task Hung_nats_times_out_within_the_probe_timeout()
    {
        await using var server = await NatsServer.StartAsync();
        await using var host = await StartAsync(server.Port);
        var status = host.Get<NatsStatus>();
        await status.WaitUntilReadyAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));

        await server.FreezeAsync();
        var stopwatch = Stopwatch.StartNew();
        var result = await status.ProbeAsync(CancellationToken.None);
        stopwatch.Stop();
        await server.ThawAsync();

        Assert.Equal(new ProbeResult(ProbeResult.Unreachable, result.LatencyMs, "NATS timed out"), result);
        Assert.InRange(result.LatencyMs!.Value, 1900, 2500);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(2.5), $"took {stopwatch.Elapsed}");
    }

    [Fact]
    public async Task Nats_that_accepts_but_never_answers_fails_the_probe_within_the_timeout()
    {
        using var hung = new SilentListener();
        await using var host = await StartAsync(hung.Port);
        var status = host.Get<NatsStatus>();

        var stopwatch = Stopwatch.StartNew();
        var result = await status.ProbeAsync(CancellationToken.None);
        stopwatch.Stop();

        Assert.Equal(ProbeResult.Unreachable, result.Status);
        Assert.Contains(result.Error, new[] { "NATS not connected", "NATS timed out" });
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(2.5), $"took {stopwatch.Elapsed}");
        Assert.Equal(NatsState.Connecting, status.State);
    }

    [Fact]
    public async Task Unconfigured_nats_is_reported_as_not_configured()
    {
        await using var host = await MessagingHost.StartAsync(MessagingConfig.Create(), (services, config) => services.AddNats(config));
        var status = host.Get<NatsStatus>();

        var result = await status.ProbeAsync(CancellationToken.None);

        Assert.Same(ProbeResult.NotConfiguredResult, result);
        Assert.False(status.IsConfigured);
        Assert.Equal(NatsState.NotConfigured, status.State);
        Assert.Equal("not_configured", status.State.Name());
        Assert.Throws<InvalidOperationException>(() => status.JetStream);
    }
}
