using System.Net.WebSockets;
using System.Text.Json;
using Dixie.FinnEmulator.Admin;
using Dixie.FinnEmulator.Pipeline;

namespace Dixie.FinnEmulator.WebSockets;

/// <summary>Client frames (spec 11 §5.2): each is recorded, counted by type and answered.</summary>
public sealed partial class WsConnection
{
    private async Task HandleFrameAsync(ReadOnlyMemory<byte> frame)
    {
        var captured = frame.Length > LogEntry.CaptureLimit ? frame[..LogEntry.CaptureLimit] : frame;
        _services.Log.Append(new WsFrameEntry(_services.Clock.GetUtcNow(), _path, Session.Id, captured.ToArray()));
        using var document = JsonBody.ParseObject(frame);
        if (document is null)
        {
            _services.Counters.Increment("WS invalid");
            await SendAsync(WsFrames.Error("Invalid JSON", recoverable: true));
            return;
        }
        var root = document.RootElement;
        var type = root.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
        if (type is null && root.TryGetProperty("token", out var token))
        {
            _services.Counters.Increment("WS token");
            await AuthenticateAsync(token.ValueKind == JsonValueKind.String ? token.GetString() : null);
            return;
        }
        switch (type)
        {
            case "prompt":
                _services.Counters.Increment("WS prompt");
                if (JsonBody.NonBlankString(document, "text") is { } text)
                {
                    QueuePrompt(text);
                }
                else
                {
                    await SendAsync(WsFrames.Error("Empty prompt", recoverable: true));
                }
                break;
            case "steer":
                _services.Counters.Increment("WS steer");
                break;
            case "abort":
                _services.Counters.Increment("WS abort");
                CancelTurns();
                break;
            case "ping":
                _services.Counters.Increment("WS ping");
                await SendAsync(WsFrames.Pong);
                break;
            default:
                _services.Counters.Increment("WS unknown");
                await SendAsync(WsFrames.Error($"Unknown message type: {type ?? "undefined"}", recoverable: true));
                break;
        }
    }

    private async Task AuthenticateAsync(string? token)
    {
        if (_services.Bearer.Matches(token))
        {
            await SendAsync(WsFrames.Authenticated);
            return;
        }
        await SendAsync(WsFrames.Error("Unauthorized", recoverable: false));
        await CloseAsync((WebSocketCloseStatus)4001, "Unauthorized");
    }
}
