using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace Dixie.Bench;

/// <summary>
/// P7: time to the first streamed piece of an answer, through dixie's SSE (`event: chunk`) and
/// straight from finn-emulator's WebSocket (`text_delta`), each including session creation and the
/// WebSocket handshake, since dixie does both for a new streamed chat.
/// </summary>
public sealed class SseProbe(BenchSettings settings, HttpClient client, string jwt)
{
    private const string Prompt = "Stream me a short answer about Berachain.";

    public async Task<double> ThroughDixieAsync()
    {
        var watch = Stopwatch.StartNew();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/chat")
        {
            Content = new StringContent(JsonSerializer.Serialize(new { prompt = Prompt, stream = true }), Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", jwt);
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        while (await reader.ReadLineAsync() is { } line)
            if (line == "event: chunk") return watch.Elapsed.TotalMilliseconds;
        throw new InvalidOperationException("the stream ended without a chunk");
    }

    public async Task<double> FromEmulatorAsync()
    {
        var watch = Stopwatch.StartNew();
        using var created = await client.PostAsync(new Uri(settings.EmulatorUrl, "/api/sessions"), new StringContent("{}", Encoding.UTF8, "application/json"));
        created.EnsureSuccessStatusCode();
        using var session = JsonDocument.Parse(await created.Content.ReadAsStringAsync());
        var id = session.RootElement.GetProperty("sessionId").GetString();
        using var socket = new ClientWebSocket();
        await socket.ConnectAsync(new Uri($"ws://{settings.EmulatorUrl.Authority}/ws/{id}"), CancellationToken.None);
        await socket.SendAsync(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new { type = "prompt", text = Prompt })),
            WebSocketMessageType.Text, true, CancellationToken.None);
        var buffer = new byte[64 * 1024];
        while (true)
        {
            var received = await socket.ReceiveAsync(buffer, CancellationToken.None);
            if (received.MessageType == WebSocketMessageType.Close) throw new InvalidOperationException("the emulator closed before a text_delta");
            var frame = Encoding.UTF8.GetString(buffer, 0, received.Count);
            if (frame.Contains("\"text_delta\"", StringComparison.Ordinal))
            {
                var elapsed = watch.Elapsed.TotalMilliseconds;
                await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
                return elapsed;
            }
        }
    }
}
