namespace Dixie.FinnEmulator.Hosting;

/// <summary>The emulator's few log events; nothing per request below debug (spec 11 §10).</summary>
internal static partial class EmulatorLog
{
    [LoggerMessage(EventName = "emulator_request", Level = LogLevel.Debug,
        Message = "request {Seq} {Method} {Path} -> {Status}")]
    public static partial void Request(ILogger logger, long seq, string method, string path, int status);

    [LoggerMessage(EventName = "emulator_ws_closed", Level = LogLevel.Debug,
        Message = "websocket for session {SessionId} ended")]
    public static partial void WebSocketEnded(ILogger logger, string sessionId);

    [LoggerMessage(EventName = "emulator_ws_failed", Level = LogLevel.Debug,
        Message = "websocket for session {SessionId} failed")]
    public static partial void WebSocketFailed(ILogger logger, Exception exception, string sessionId);

    [LoggerMessage(EventName = "emulator_fault_set", Level = LogLevel.Information,
        Message = "process-wide fault mode {Mode} on {Path}")]
    public static partial void FaultSet(ILogger logger, string mode, string path);

    [LoggerMessage(EventName = "emulator_reset", Level = LogLevel.Information, Message = "state reset")]
    public static partial void Reset(ILogger logger);
}
