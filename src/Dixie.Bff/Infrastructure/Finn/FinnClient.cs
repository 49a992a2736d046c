using System.Diagnostics;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Dixie.Bff.Infrastructure.Configuration;
using Dixie.Bff.Infrastructure.Logging;
using Dixie.Bff.Infrastructure.Telemetry;

namespace Dixie.Bff.Infrastructure.Finn;

/// <summary>Who a finn call is made for; forwarded as headers (spec 05 §7.2).</summary>
public sealed record FinnCallContext(string RequestId, string? ClientIp = null, string? Wallet = null);

/// <summary>
/// finn's answer to a call the breaker counted as a success: a 2xx with a valid body
/// (<see cref="Value"/> set), or a caller-error 4xx (<see cref="Value"/> null, <see cref="Code"/> from finn's body).
/// </summary>
public sealed record FinnResponse<T>(int Status, T? Value, string? Code) where T : class
{
    public bool IsSuccess => Status is >= 200 and < 300;
}

/// <summary>finn's status and raw body (null above 4 MiB) from a call made outside the breaker.</summary>
public sealed record FinnRawAnswer(int Status, byte[]? Body);

/// <summary>
/// The typed client for every loa-finn HTTP call except the health probe (spec 05 §7). One send +
/// read + parse runs inside the breaker, so malformed bodies count as failures. No retries.
/// </summary>
public sealed partial class FinnClient(HttpClient http, FinnCircuitBreaker breaker, DixieConfig config, ILogger<FinnClient> logger)
{
    private const int MaxBodyBytes = 4 * 1024 * 1024;
    private static readonly JsonSerializerOptions BodyOptions = new()
    {
        // Non-ASCII text travels as UTF-8, and these exact bytes are hashed (X-Req-Hash).
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public string CircuitState => breaker.State;

    public Task<FinnResponse<FinnSessionCreated>> CreateSessionAsync(object body, FinnCallContext caller, CancellationToken ct) =>
        SendAsync(FinnOperation.CreateSession, "api/sessions", body, FinnJson.Default.FinnSessionCreated, caller, ct);

    public Task<FinnResponse<FinnMessageReply>> SendMessageAsync(string sessionId, string text, FinnCallContext caller, CancellationToken ct) =>
        SendAsync(FinnOperation.SendMessage, $"api/sessions/{Uri.EscapeDataString(sessionId)}/message",
            new FinnMessageRequest(text, text), FinnJson.Default.FinnMessageReply, caller, ct);

    public Task<FinnResponse<FinnSessionDetail>> GetSessionAsync(string sessionId, FinnCallContext caller, CancellationToken ct) =>
        SendAsync(FinnOperation.GetSession, $"api/sessions/{Uri.EscapeDataString(sessionId)}", null, FinnJson.Default.FinnSessionDetail, caller, ct,
            answeredStatus: StatusCodes.Status404NotFound);

    /// <summary>
    /// Sends one call. Failures the breaker counts, and the breaker's refusals, surface as
    /// <see cref="FinnCallException"/>; caller errors (4xx except 429) come back as a response.
    /// </summary>
    public async Task<FinnResponse<T>> SendAsync<T>(FinnOperation operation, string path, object? body,
        JsonTypeInfo<T> responseType, FinnCallContext caller, CancellationToken cancellationToken, int? answeredStatus = null) where T : class
    {
        using var activity = DixieTelemetry.Source.StartActivity("dixie.finn.inference");
        var started = Stopwatch.GetTimestamp();
        var bodyBytes = body is null ? null : JsonSerializer.SerializeToUtf8Bytes(body, body.GetType(), BodyOptions);
        var outcome = "success";
        try
        {
            var response = await breaker.ExecuteAsync(
                ct => SendOnceAsync(operation.Method, path, bodyBytes, responseType, caller, ct), config.Finn.Timeout, cancellationToken);
            if (response.Value is IFinnUsage usage)
            {
                if (usage.Model is { } model) SpanSanitizer.SetSanitized(activity, "model", model);
                if (usage.Tokens is { } tokens) SpanSanitizer.SetSanitized(activity, "tokens", tokens);
            }
            if (!response.IsSuccess)
            {
                outcome = "upstream_4xx";
                // A status the caller treats as an answer (finn's 404 for a dormant session) is no failure.
                if (response.Status != answeredStatus)
                    LogCallFailed(logger, operation.Route, response.Status, response.Code, "http", breaker.State);
            }
            return response;
        }
        catch (FinnCallException failure)
        {
            outcome = FinnMetrics.OutcomeOf(failure);
            LogCallFailed(logger, operation.Route, failure.Status, failure.Code,
                failure.Kind.ToString().ToLowerInvariant(), breaker.State);
            throw;
        }
        finally
        {
            var elapsed = Stopwatch.GetElapsedTime(started);
            SpanSanitizer.SetSanitized(activity, "latency_ms", (long)elapsed.TotalMilliseconds);
            SpanSanitizer.SetSanitized(activity, "circuit_state", breaker.State);
            FinnMetrics.RequestDuration.Record(elapsed.TotalSeconds,
                new KeyValuePair<string, object?>("operation", operation.Name), new KeyValuePair<string, object?>("outcome", outcome));
        }
    }

    /// <summary>
    /// One call outside the breaker's failure accounting (spec 05 §7, spec 07 §1.2): skipped while the
    /// circuit is open, never recorded by it. Returns finn's status and body, or null when no answer
    /// came (skipped, timeout, network error); the caller decides what a status means.
    /// </summary>
    public async Task<FinnRawAnswer?> SendUncountedAsync(FinnOperation operation, string path, TimeSpan timeout,
        FinnCallContext caller, CancellationToken cancellationToken)
    {
        if (breaker.State == "open") return null;
        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(timeout);
        using var request = new HttpRequestMessage(operation.Method, RelativeUri(path));
        AddHeaders(request, path, null, caller);
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeoutSource.Token);
            return new FinnRawAnswer((int)response.StatusCode, await ReadBodyAsync(response, timeoutSource.Token));
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested
            && ex is HttpRequestException or OperationCanceledException or FinnCallException)
        {
            LogCallFailed(logger, operation.Route, null, null, ex is OperationCanceledException ? "timeout" : "network", breaker.State);
            return null;
        }
    }

    private async ValueTask<FinnResponse<T>> SendOnceAsync<T>(HttpMethod method, string path, byte[]? bodyBytes,
        JsonTypeInfo<T> responseType, FinnCallContext caller, CancellationToken ct) where T : class
    {
        using var request = new HttpRequestMessage(method, RelativeUri(path));
        AddHeaders(request, path, bodyBytes, caller);
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        }
        catch (HttpRequestException ex) when (!ct.IsCancellationRequested)
        {
            throw new FinnCallException(FinnFailureKind.Network, inner: ex);
        }
        catch (OperationCanceledException ex) when (!ct.IsCancellationRequested)
        {
            // Nobody cancelled: the handler's connect timeout ran out (finn's address drops packets).
            throw new FinnCallException(FinnFailureKind.Timeout, inner: ex);
        }
        using (response)
        {
            var status = (int)response.StatusCode;
            var payload = await ReadBodyAsync(response, ct);
            if (status is >= 200 and < 300)
            {
                var value = TryParse(payload, responseType);
                if (value is null || value is IFinnReply { IsWellFormed: false })
                    throw new FinnCallException(FinnFailureKind.Malformed, status);
                return new FinnResponse<T>(status, value, null);
            }
            var code = payload is null ? null : FinnErrorCode.Read(payload);
            if (status is >= 400 and < 500 && status != 429) return new FinnResponse<T>(status, null, code);
            throw new FinnCallException(FinnFailureKind.Http, status, code);
        }
    }

    private void AddHeaders(HttpRequestMessage request, string path, byte[]? bodyBytes, FinnCallContext caller)
    {
        request.Headers.TryAddWithoutValidation("X-Request-Id", caller.RequestId);
        if (caller.ClientIp is { } ip) request.Headers.TryAddWithoutValidation("X-Forwarded-For", ip);
        if (caller.Wallet is { } wallet) request.Headers.TryAddWithoutValidation("X-Wallet-Address", wallet);
        if (config.Finn.AuthToken is { } token) request.Headers.TryAddWithoutValidation("Authorization", $"Bearer {token}");
        if (bodyBytes is null) return;
        request.Content = new ByteArrayContent(bodyBytes);
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        var reqHash = RequestHash(bodyBytes);
        request.Headers.TryAddWithoutValidation("X-Req-Hash", reqHash);
        request.Headers.TryAddWithoutValidation("X-Idempotency-Key", IdempotencyKey(reqHash, "/" + StripQuery(path).TrimStart('/')));
    }

    /// <summary>`sha256:` + hex SHA-256 of the exact body bytes.</summary>
    public static string RequestHash(byte[] bodyBytes) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(bodyBytes));

    /// <summary>H(["anonymous", reqHash, "loa-finn", path]) as compact JSON (spec 05 §7.2).</summary>
    public static string IdempotencyKey(string reqHash, string path)
    {
        var array = JsonSerializer.SerializeToUtf8Bytes(new[] { "anonymous", reqHash, "loa-finn", path }, BodyOptions);
        return Convert.ToHexStringLower(SHA256.HashData(array));
    }

    private static string StripQuery(string path) => path.Split('?', 2)[0];

    /// <summary>Relative to FINN_URL, whose path is kept as a prefix.</summary>
    private static Uri RelativeUri(string path) => new(path.TrimStart('/'), UriKind.Relative);

    private static async Task<byte[]?> ReadBodyAsync(HttpResponseMessage response, CancellationToken ct)
    {
        if (response.Content.Headers.ContentLength > MaxBodyBytes) return null;
        await using var stream = await response.Content.ReadAsStreamAsync(ct);
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        try
        {
            while ((read = await stream.ReadAsync(chunk, ct)) > 0)
            {
                if (buffer.Length + read > MaxBodyBytes) return null;
                buffer.Write(chunk, 0, read);
            }
        }
        catch (IOException ex) when (!ct.IsCancellationRequested && ex.InnerException is SocketException or IOException or null)
        {
            throw new FinnCallException(FinnFailureKind.Network, inner: ex);
        }
        return buffer.ToArray();
    }

    private static T? TryParse<T>(byte[]? payload, JsonTypeInfo<T> type) where T : class
    {
        if (payload is null || payload.Length == 0) return null;
        try
        {
            using var document = JsonText.Parse(payload);
            return document.Deserialize(type);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    [LoggerMessage(EventId = 31, EventName = LogEvents.FinnCallFailed, Level = LogLevel.Warning,
        Message = "loa-finn call {Route} failed ({Kind})")]
    // Also used by the finn WebSocket handshake, so every finn call fails with one event shape.
    internal static partial void LogCallFailed(ILogger logger, string route, int? status, string? code, string kind, string circuitState);
}

/// <summary>Reads finn's string `code` from an error body; finn's message text is never forwarded.</summary>
internal static class FinnErrorCode
{
    public static string? Read(byte[] payload)
    {
        try
        {
            using var document = JsonText.Parse(payload.AsMemory(0, Math.Min(payload.Length, 64 * 1024)));
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("code", out var code) && code.ValueKind == JsonValueKind.String
                ? code.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
