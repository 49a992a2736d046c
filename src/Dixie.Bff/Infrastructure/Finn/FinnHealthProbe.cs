using System.Diagnostics;
using Dixie.Bff.Infrastructure.Configuration;

namespace Dixie.Bff.Infrastructure.Finn;

/// <summary>
/// `GET {FINN_URL}/health` through its own client: never blocked or counted by the breaker, cached
/// for 10 s from completion, and single-flight so a burst of health calls makes one probe (spec 03 §3.2).
/// </summary>
public sealed class FinnHealthProbe(IHttpClientFactory clients, DixieConfig config, TimeProvider time, HealthProbeLog log)
{
    public const string ClientName = "finn-health";
    private static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(10);
    private readonly Lock _gate = new();
    private Task<ProbeResult>? _inFlight;
    private ProbeResult? _cached;
    private DateTimeOffset _cachedAt;

    public Task<ProbeResult> ProbeAsync()
    {
        lock (_gate)
        {
            if (_cached is not null && time.GetUtcNow() - _cachedAt < CacheFor) return Task.FromResult(_cached);
            // The probe is shared by concurrent callers, so it must not observe any one caller's cancellation.
            return _inFlight ??= RunAndCacheAsync();
        }
    }

    private async Task<ProbeResult> RunAndCacheAsync()
    {
        // Never complete synchronously: the reset below must run after the caller has stored this task.
        await Task.Yield();
        var result = await RunAsync();
        lock (_gate)
        {
            _cached = result;
            _cachedAt = time.GetUtcNow();
            _inFlight = null;
        }
        return result;
    }

    private async Task<ProbeResult> RunAsync()
    {
        var started = Stopwatch.GetTimestamp();
        using var timeout = new CancellationTokenSource(config.Finn.HealthTimeout);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "health");
            if (config.Finn.AuthToken is { } token) request.Headers.TryAddWithoutValidation("Authorization", $"Bearer {token}");
            using var response = await clients.CreateClient(ClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var elapsed = Stopwatch.GetElapsedTime(started);
            if (response.IsSuccessStatusCode) return ProbeResult.Ok(elapsed);
            var status = (int)response.StatusCode;
            log.Failed("loa_finn", $"HTTP {status}", null);
            return ProbeResult.Failed(elapsed, $"loa-finn returned HTTP {status}");
        }
        catch (OperationCanceledException ex) when (timeout.IsCancellationRequested)
        {
            log.Failed("loa_finn", "timeout", ex);
            return ProbeResult.Failed(Stopwatch.GetElapsedTime(started), "loa-finn timed out");
        }
        catch (Exception ex)
        {
            log.Failed("loa_finn", "connection failed", ex);
            return ProbeResult.Failed(Stopwatch.GetElapsedTime(started), "loa-finn connection failed");
        }
    }
}
