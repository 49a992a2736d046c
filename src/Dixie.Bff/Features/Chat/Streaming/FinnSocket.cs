using System.Diagnostics;
using System.Net.WebSockets;
using Dixie.Bff.Infrastructure.Configuration;
using Dixie.Bff.Infrastructure.Finn;
using Dixie.Bff.Infrastructure.Telemetry;

namespace Dixie.Bff.Features.Chat.Streaming;

/// <summary>
/// The outcome of an upstream handshake the breaker counted as a success: an open socket, or finn's
/// refusal with a caller-error status (4xx except 429), which is not an outage.
/// </summary>
public sealed record FinnSocketHandshake(System.Net.WebSockets.WebSocket? Socket, int Status)
{
    public bool IsOpen => Socket is not null;
}

/// <summary>
/// Opens the WebSocket to finn's `/ws/{id}` for the SSE stream and the WebSocket proxy (spec 05 §3.1
/// step 4, §6.1 step 10, §7.2): one breaker call per handshake, 10 s, with a `dixie.finn.inference` span
/// whose context travels as `traceparent`. Only the handshake is under the breaker; a stream that
/// fails later is the turn's failure, not an outage signal.
/// </summary>
public sealed partial class FinnSocket(FinnCircuitBreaker breaker, DixieConfig config, ILogger<FinnSocket> logger) : IDisposable
{
    public const string Route = "WS /ws/{id}";
    public static readonly TimeSpan HandshakeTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(15);

    // One handler for every handshake: no proxy (finn is reached directly) and no automatic trace
    // header, because the handshake sets `traceparent` itself from the inference span.
    private readonly HttpMessageInvoker _invoker = new(new SocketsHttpHandler
    {
        ConnectTimeout = TimeSpan.FromSeconds(5),
        UseProxy = false,
        UseCookies = false,
        AllowAutoRedirect = false,
        ActivityHeadersPropagator = null,
        PooledConnectionLifetime = TimeSpan.FromMinutes(2),
    });

    public string CircuitState => breaker.State;

    /// <summary>
    /// Opens the socket. Breaker refusals and outage failures (refused, DNS, timeout, 5xx, 429) are
    /// <see cref="FinnCallException"/>; finn's other refusals come back as a status.
    /// </summary>
    public async Task<FinnSocketHandshake> ConnectAsync(string sessionId, FinnCallContext caller, CancellationToken cancellationToken)
    {
        using var activity = DixieTelemetry.Source.StartActivity(SpanAllowlist.FinnInference);
        var started = Stopwatch.GetTimestamp();
        var outcome = "success";
        try
        {
            var handshake = await breaker.ExecuteAsync(ct => HandshakeAsync(sessionId, caller, activity, ct), HandshakeTimeout, cancellationToken);
            if (!handshake.IsOpen) outcome = "upstream_4xx";
            return handshake;
        }
        catch (FinnCallException failure)
        {
            outcome = FinnMetrics.OutcomeOf(failure);
            FinnClient.LogCallFailed(logger, Route, failure.Status, failure.Code, failure.Kind.ToString().ToLowerInvariant(), breaker.State);
            throw;
        }
        finally
        {
            var elapsed = Stopwatch.GetElapsedTime(started);
            SpanSanitizer.SetSanitized(activity, "latency_ms", (long)elapsed.TotalMilliseconds);
            SpanSanitizer.SetSanitized(activity, "circuit_state", breaker.State);
            FinnMetrics.RequestDuration.Record(elapsed.TotalSeconds,
                new KeyValuePair<string, object?>("operation", "ws_connect"), new KeyValuePair<string, object?>("outcome", outcome));
        }
    }

    private async ValueTask<FinnSocketHandshake> HandshakeAsync(string sessionId, FinnCallContext caller, Activity? span, CancellationToken ct)
    {
        var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        socket.Options.KeepAliveInterval = KeepAlive;
        socket.Options.SetRequestHeader("X-Request-Id", caller.RequestId);
        if ((span ?? Activity.Current)?.Id is { } traceparent) socket.Options.SetRequestHeader("traceparent", traceparent);
        if (caller.ClientIp is { } ip) socket.Options.SetRequestHeader("X-Forwarded-For", ip);
        if (caller.Wallet is { } wallet) socket.Options.SetRequestHeader("X-Wallet-Address", wallet);
        if (config.Finn.AuthToken is { } token) socket.Options.SetRequestHeader("Authorization", $"Bearer {token}");
        try
        {
            await socket.ConnectAsync(UpstreamUri(sessionId), _invoker, ct);
            return new FinnSocketHandshake(socket, 101);
        }
        catch (WebSocketException ex) when (!ct.IsCancellationRequested)
        {
            var status = (int)socket.HttpStatusCode;
            socket.Dispose();
            if (status == 0) throw new FinnCallException(FinnFailureKind.Network, inner: ex);
            if (status is >= 400 and < 500 && status != 429) return new FinnSocketHandshake(null, status);
            throw new FinnCallException(FinnFailureKind.Http, status);
        }
        catch (HttpRequestException ex) when (!ct.IsCancellationRequested)
        {
            socket.Dispose();
            throw new FinnCallException(FinnFailureKind.Network, inner: ex);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>`FINN_WS_URL/ws/{id}`, with `?token=` when a bearer is configured. Never logged: it can hold the token.</summary>
    private Uri UpstreamUri(string sessionId)
    {
        var url = config.Finn.WebSocketUrl.ToString().TrimEnd('/') + "/ws/" + Uri.EscapeDataString(sessionId);
        if (config.Finn.AuthToken is { } token) url += "?token=" + Uri.EscapeDataString(token);
        return new Uri(url);
    }

    public void Dispose() => _invoker.Dispose();
}
