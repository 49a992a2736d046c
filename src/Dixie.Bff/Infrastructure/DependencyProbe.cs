namespace Dixie.Bff.Infrastructure;

/// <summary>The result of one dependency probe as `/api/health` reports it (spec 03 §3.1).</summary>
public sealed record ProbeResult(string Status, int? LatencyMs = null, string? Error = null)
{
    public const string Healthy = "healthy";
    public const string Unreachable = "unreachable";
    public const string NotConfigured = "not_configured";

    public static ProbeResult NotConfiguredResult { get; } = new(NotConfigured);

    public static ProbeResult Ok(TimeSpan elapsed) => new(Healthy, WholeMs(elapsed));

    public static ProbeResult Failed(TimeSpan elapsed, string error) => new(Unreachable, WholeMs(elapsed), error);

    private static int WholeMs(TimeSpan elapsed) => (int)Math.Round(elapsed.TotalMilliseconds);
}

/// <summary>
/// A probed piece of infrastructure in `/api/health` (`postgresql`, `redis`, `nats`). An entry with
/// no registered probe is reported as `not_configured`.
/// </summary>
public interface IInfrastructureProbe
{
    string Name { get; }

    /// <summary>Never throws; bounded by the probe's own timeout (spec 03 §3.2).</summary>
    Task<ProbeResult> ProbeAsync(CancellationToken cancellationToken);
}

/// <summary>Adapts a component's own probe method to an `/api/health` entry.</summary>
public sealed class InfrastructureProbe(string name, Func<CancellationToken, Task<ProbeResult>> probe) : IInfrastructureProbe
{
    public string Name { get; } = name;

    public Task<ProbeResult> ProbeAsync(CancellationToken cancellationToken) => probe(cancellationToken);
}
