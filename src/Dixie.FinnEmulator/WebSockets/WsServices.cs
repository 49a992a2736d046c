using Dixie.FinnEmulator.Admin;
using Dixie.FinnEmulator.Hosting;
using Dixie.FinnEmulator.Pipeline;
using Dixie.FinnEmulator.Sessions;

namespace Dixie.FinnEmulator.WebSockets;

/// <summary>The shared state a WebSocket connection works with.</summary>
public sealed record WsServices(EmulatorOptions Options, SessionStore Sessions, RequestLog Log, Counters Counters,
    BearerGate Bearer, WsRegistry Registry, TimeProvider Clock);
