using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Dixie.Bff.Tests.Support;

namespace Dixie.Bff.Tests.Streaming;

/// <summary>The answer to an upgrade that was refused: status, headers and the D4 body.</summary>
public sealed record RefusedUpgrade(int Status, IReadOnlyDictionary<string, string> Headers, string Body);

/// <summary>A browser-like client of `/ws/chat/{id}`.</summary>
public sealed class ProxyClient(ClientWebSocket socket) : IAsyncDisposable
{
    public ClientWebSocket Socket { get; } = socket;

    public static async Task<ProxyClient> ConnectAsync(DixieHost host, string sessionId, string ticket, string? origin = null)
    {
        var socket = new ClientWebSocket();
        if (origin is not null) socket.Options.SetRequestHeader("Origin", origin);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        await socket.ConnectAsync(new Uri($"ws://127.0.0.1:{host.BaseUrl.Port}/ws/chat/{sessionId}?ticket={ticket}"), timeout.Token);
        return new ProxyClient(socket);
    }

    /// <summary>
    /// Sends a WebSocket upgrade over a raw connection, so the refusal's body can be read (a
    /// WebSocket client only reports the status).
    /// </summary>
    public static async Task<RefusedUpgrade> UpgradeAsync(DixieHost host, string pathAndQuery, string? origin = null)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, host.BaseUrl.Port);
        var stream = tcp.GetStream();
        var request = new StringBuilder()
            .Append($"GET {pathAndQuery} HTTP/1.1\r\nHost: 127.0.0.1:{host.BaseUrl.Port}\r\n")
            .Append("Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n")
            .Append("Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n");
        if (origin is not null) request.Append($"Origin: {origin}\r\n");
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request.Append("\r\n").ToString()));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        using var received = new MemoryStream();
        await stream.CopyToAsync(received, timeout.Token);
        var text = Encoding.UTF8.GetString(received.ToArray());
        var split = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        var head = text[..split].Split("\r\n");
        var headers = head.Skip(1).Select(h => h.Split(':', 2)).ToDictionary(h => h[0].Trim().ToLowerInvariant(), h => h[1].Trim());
        var body = text[(split + 4)..];
        if (headers.GetValueOrDefault("transfer-encoding") == "chunked") body = Dechunk(body);
        return new RefusedUpgrade(int.Parse(head[0].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture), headers, body);
    }

    private static string Dechunk(string body)
    {
        var result = new StringBuilder();
        var position = 0;
        while (true)
        {
            var lineEnd = body.IndexOf("\r\n", position, StringComparison.Ordinal);
            var size = Convert.ToInt32(body[position..lineEnd], 16);
            if (size == 0) return result.ToString();
            result.Append(body, lineEnd + 2, size);
            position = lineEnd + 2 + size + 2;
        }
    }

    public Task SendAsync(string text) =>
        Socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, CancellationToken.None);

    /// <summary>The next frame as JSON, or null when the server closed.</summary>
    public async Task<JsonElement?> ReceiveAsync(TimeSpan? timeout = null)
    {
        using var cancel = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(15));
        var buffer = new byte[128 * 1024];
        using var message = new MemoryStream();
        while (true)
        {
            var result = await Socket.ReceiveAsync(buffer, cancel.Token);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                if (Socket.State == WebSocketState.CloseReceived)
                    await Socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", CancellationToken.None);
                return null;
            }
            message.Write(buffer, 0, result.Count);
            if (result.EndOfMessage) return JsonDocument.Parse(message.ToArray()).RootElement.Clone();
        }
    }

    public async Task<JsonElement> ReceiveFrameAsync()
    {
        var frame = await ReceiveAsync();
        Assert.True(frame is not null, $"the proxy closed ({Socket.CloseStatus} {Socket.CloseStatusDescription}) instead of sending a frame");
        return frame.Value;
    }

    /// <summary>Frames up to and including the first of the given type.</summary>
    public async Task<List<JsonElement>> ReceiveThroughAsync(string type)
    {
        var frames = new List<JsonElement>();
        while (true)
        {
            var frame = await ReceiveFrameAsync();
            frames.Add(frame);
            if (frame.GetProperty("type").GetString() == type) return frames;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Socket.State == WebSocketState.Open)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try
            {
                await Socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "", timeout.Token);
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
            {
            }
        }
        Socket.Dispose();
    }
}
