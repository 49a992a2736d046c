using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace Dixie.Bff.Tests.Emulator;

/// <summary>A test client for the emulator's WebSocket protocol.</summary>
internal sealed class WebSocketClient : IAsyncDisposable
{
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    private WebSocketClient(ClientWebSocket socket) => Socket = socket;

    public ClientWebSocket Socket { get; }

    public WebSocketCloseStatus? CloseStatus => Socket.CloseStatus;
    public string? CloseDescription => Socket.CloseStatusDescription;

    public static async Task<WebSocketClient> ConnectAsync(EmulatorFixture finn, string pathAndQuery, Action<ClientWebSocketOptions>? configure = null)
    {
        var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        configure?.Invoke(socket.Options);
        using var timeout = new CancellationTokenSource(DefaultTimeout);
        await socket.ConnectAsync(new Uri(finn.Emulator.WebSocketUrl + pathAndQuery), timeout.Token);
        return new WebSocketClient(socket);
    }

    /// <summary>Attempts an upgrade that is expected to be refused; returns the HTTP status seen.</summary>
    public static async Task<HttpStatusCode> RefusedUpgradeAsync(EmulatorFixture finn, string pathAndQuery, Action<ClientWebSocketOptions>? configure = null)
    {
        using var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        configure?.Invoke(socket.Options);
        using var timeout = new CancellationTokenSource(DefaultTimeout);
        await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(new Uri(finn.Emulator.WebSocketUrl + pathAndQuery), timeout.Token));
        return socket.HttpStatusCode;
    }

    public Task SendAsync(string text) =>
        Socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);

    /// <summary>The next text frame, or null when the server closed (the close is answered).</summary>
    public async Task<string?> ReceiveAsync(TimeSpan? timeout = null)
    {
        using var cancel = new CancellationTokenSource(timeout ?? DefaultTimeout);
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        while (true)
        {
            var result = await Socket.ReceiveAsync(buffer, cancel.Token);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                if (Socket.State == WebSocketState.CloseReceived)
                {
                    await Socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", CancellationToken.None);
                }
                return null;
            }
            message.Write(buffer, 0, result.Count);
            if (result.EndOfMessage)
            {
                return Encoding.UTF8.GetString(message.ToArray());
            }
        }
    }

    public async Task<JsonElement> ReceiveJsonAsync(TimeSpan? timeout = null)
    {
        var text = await ReceiveAsync(timeout);
        Assert.True(text is not null, $"the server closed ({CloseStatus} {CloseDescription}) instead of sending a frame");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>Frames up to and including the first of type <paramref name="type"/>.</summary>
    public async Task<List<JsonElement>> ReceiveThroughAsync(string type)
    {
        var frames = new List<JsonElement>();
        while (true)
        {
            var frame = await ReceiveJsonAsync();
            frames.Add(frame);
            if (frame.GetProperty("type").GetString() == type)
            {
                return frames;
            }
        }
    }

    /// <summary>Waits for the server's close and returns its status.</summary>
    public async Task<(WebSocketCloseStatus? Status, string? Description)> ReceiveCloseAsync(TimeSpan? timeout = null)
    {
        while (await ReceiveAsync(timeout) is not null)
        {
            // Frames before the close are not of interest here.
        }
        return (CloseStatus, CloseDescription);
    }

    public static async Task<List<string>> TurnDeltasAsync(EmulatorFixture finn, string sessionId, string text)
    {
        await using var client = await ConnectAsync(finn, $"/ws/{sessionId}");
        await client.SendAsync(JsonSerializer.Serialize(new { type = "prompt", text }));
        var frames = await client.ReceiveThroughAsync("agent_end");
        return frames.Where(f => f.GetProperty("type").GetString() == "text_delta")
            .Select(f => f.GetProperty("data").GetProperty("delta").GetString()!).ToList();
    }

    /// <summary>A slow turn aborted after its first delta.</summary>
    public static async Task PromptThenAbortAsync(EmulatorFixture finn)
    {
        var id = await finn.CreateSessionAsync();
        await using var client = await ConnectAsync(finn, $"/ws/{id}");
        await client.SendAsync("""{"type":"prompt","text":"slow [[fault:frame-delay=200]]"}""");
        while ((await client.ReceiveJsonAsync()).GetProperty("type").GetString() != "text_delta")
        {
            // Up to the first delta.
        }
        await client.SendAsync("""{"type":"abort"}""");
        await client.ReceiveThroughAsync("agent_end");
    }

    public async ValueTask DisposeAsync()
    {
        if (Socket.State == WebSocketState.Open)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            try
            {
                await Socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "", timeout.Token);
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException)
            {
                // The server is gone already.
            }
        }
        Socket.Dispose();
    }
}
