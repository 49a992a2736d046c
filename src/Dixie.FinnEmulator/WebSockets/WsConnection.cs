using System.Buffers;
using System.Net.WebSockets;
using System.Threading.Channels;
using Dixie.FinnEmulator.Hosting;
using Dixie.FinnEmulator.Sessions;

namespace Dixie.FinnEmulator.WebSockets;

/// <summary>
/// One accepted WebSocket on a known session (spec 11 §5.2): a receive loop answers control frames
/// at once while a single turn worker answers prompts in order, so abort and ping work mid-turn.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "See the fields: nothing to release, and closing must stay safe after the connection ended.")]
public sealed partial class WsConnection(WebSocket socket, HttpContext context, Session session, WsServices services)
{
    public const int MaxMessageBytes = 1024 * 1024;

    // Neither is disposed: reset and shutdown may still close a connection that has just ended, and
    // without timers or wait handles there is nothing to release.
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly CancellationTokenSource _lifetime = new();
    private readonly Channel<QueuedPrompt> _prompts = Channel.CreateUnbounded<QueuedPrompt>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Lock _turnsGate = new();
    // Every prompt received and not yet answered: an abort stops the running turn and any queued one,
    // also when it arrives before the worker has picked its prompt up.
    private readonly HashSet<CancellationTokenSource> _turns = [];
    private readonly string _path = context.Request.Path.Value ?? "/";
    private readonly WsServices _services = services;
    private long _lastClientFrame = Environment.TickCount64;
    private int _closing;

    public Session Session => session;

    internal HttpContext Context => context;

    public async Task RunAsync()
    {
        var worker = Task.Run(TurnWorkerAsync);
        var idle = Task.Run(IdleWatchAsync);
        try
        {
            await ReceiveLoopAsync();
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException)
        {
            // The peer vanished or the connection was aborted on purpose (ws-drop, close, down).
        }
        finally
        {
            _prompts.Writer.TryComplete();
            await _lifetime.CancelAsync();
            await Task.WhenAll(worker, idle);
        }
    }

    /// <summary>Starts the closing handshake once; a peer that does not answer within a second is cut off.</summary>
    public async Task CloseAsync(WebSocketCloseStatus status, string reason)
    {
        if (Interlocked.Exchange(ref _closing, 1) == 1)
        {
            return;
        }
        _prompts.Writer.TryComplete();
        CancelTurns();
        await _sendLock.WaitAsync();
        try
        {
            if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(1));
                await socket.CloseOutputAsync(status, reason, timeout.Token);
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException or ObjectDisposedException)
        {
            // Already gone.
        }
        finally
        {
            _sendLock.Release();
        }
        _ = AbortIfStillOpenAsync();
    }

    /// <summary>Sends one frame unless the connection is closing; an abort never cuts a frame in half.</summary>
    internal async Task SendAsync(byte[] frame)
    {
        await _sendLock.WaitAsync();
        try
        {
            if (Volatile.Read(ref _closing) == 0 && socket.State == WebSocketState.Open)
            {
                await socket.SendAsync(frame, WebSocketMessageType.Text, endOfMessage: true, _lifetime.Token);
            }
        }
        finally
        {
            _sendLock.Release();
        }
    }

    private async Task ReceiveLoopAsync()
    {
        var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        var message = new ArrayBufferWriter<byte>(16 * 1024);
        try
        {
            while (true)
            {
                var result = await socket.ReceiveAsync(buffer, CancellationToken.None);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    await CloseAsync(socket.CloseStatus ?? WebSocketCloseStatus.NormalClosure, "");
                    return;
                }
                Volatile.Write(ref _lastClientFrame, Environment.TickCount64);
                if (Volatile.Read(ref _closing) == 1)
                {
                    continue; // draining until the peer's close frame
                }
                if (message.WrittenCount + result.Count > MaxMessageBytes)
                {
                    message.Clear();
                    await CloseAsync(WebSocketCloseStatus.MessageTooBig, "Message too large");
                    continue;
                }
                message.Write(buffer.AsSpan(0, result.Count));
                if (result.EndOfMessage)
                {
                    await HandleFrameAsync(message.WrittenMemory);
                    message.ResetWrittenCount();
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private async Task TurnWorkerAsync()
    {
        try
        {
            await foreach (var prompt in _prompts.Reader.ReadAllAsync(_lifetime.Token))
            {
                using var turn = prompt.Turn;
                try
                {
                    await new WsTurn(this, _services).RunAsync(prompt.Text, turn.Token);
                }
                finally
                {
                    lock (_turnsGate) _turns.Remove(turn);
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException or IOException or ObjectDisposedException)
        {
            // Connection over.
        }
    }

    private void QueuePrompt(string text)
    {
        var turn = CancellationTokenSource.CreateLinkedTokenSource(_lifetime.Token);
        lock (_turnsGate) _turns.Add(turn);
        _prompts.Writer.TryWrite(new QueuedPrompt(text, turn));
    }

    private void CancelTurns()
    {
        lock (_turnsGate)
        {
            foreach (var turn in _turns) turn.Cancel();
        }
    }

    private sealed record QueuedPrompt(string Text, CancellationTokenSource Turn);

    private async Task IdleWatchAsync()
    {
        var idle = TimeSpan.FromSeconds(_services.Options.WsIdleSeconds).TotalMilliseconds;
        try
        {
            while (!_lifetime.IsCancellationRequested)
            {
                var remaining = idle - (Environment.TickCount64 - Volatile.Read(ref _lastClientFrame));
                if (remaining <= 0)
                {
                    await CloseAsync(WebSocketCloseStatus.NormalClosure, "Idle timeout");
                    return;
                }
                // Task.Delay takes at most ~49 days; a longer idle limit is waited out in steps.
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(remaining, int.MaxValue)), _lifetime.Token);
            }
        }
        catch (OperationCanceledException)
        {
            // Connection over.
        }
    }

    private async Task AbortIfStillOpenAsync()
    {
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(1), _lifetime.Token);
            context.Abort();
        }
        catch (OperationCanceledException)
        {
            // The handshake completed.
        }
    }
}
