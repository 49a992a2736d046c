using Microsoft.Extensions.Logging;

namespace Dixie.FinnEmulator.Hosting;

/// <summary>
/// Everything the emulator is configured with (spec 11 §1). <c>Program</c> builds it from flags and
/// the environment; tests build it directly and never read the process environment.
/// </summary>
public sealed record EmulatorOptions
{
    /// <summary>Listen port; 0 picks an ephemeral port (read it back with <see cref="FinnEmulatorApp.BaseUrl"/>).</summary>
    public int Port { get; init; } = 3000;

    /// <summary>Bind address: an IP address or <c>localhost</c>.</summary>
    public string Bind { get; init; } = "127.0.0.1";

    /// <summary>Real loa-finn rules where the emulator is otherwise lenient (spec 11 §9).</summary>
    public bool Strict { get; init; }

    /// <summary>Concurrent WebSockets per client IP; 0 = unlimited.</summary>
    public int WsPerIp { get; init; } = 5;

    /// <summary>Seconds without a client frame before a WebSocket is closed 1000 "Idle timeout".</summary>
    public int WsIdleSeconds { get; init; } = 300;

    /// <summary>Sessions kept; at the cap the least recently active one is evicted.</summary>
    public int MaxSessions { get; init; } = 100_000;

    /// <summary>Optional staking map file (spec 11 §6.2).</summary>
    public string? StakingFile { get; init; }

    public LogLevel LogLevel { get; init; } = LogLevel.Warning;

    /// <summary>Bearer every <c>/api/*</c> request must carry, as loa-finn's <c>FINN_AUTH_TOKEN</c>.</summary>
    public string? AuthToken { get; init; }
}
