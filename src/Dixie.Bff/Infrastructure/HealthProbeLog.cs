using Dixie.Bff.Infrastructure.Logging;

namespace Dixie.Bff.Infrastructure;

/// <summary>
/// Logs `health_probe_failed` at most once per dependency per 60 s (spec 03 §3.4): the details the
/// health body never carries, without flooding the log while a dependency stays down.
/// </summary>
public sealed partial class HealthProbeLog(TimeProvider time, ILogger<HealthProbeLog> logger)
{
    private static readonly TimeSpan Quiet = TimeSpan.FromSeconds(60);
    private readonly Dictionary<string, DateTimeOffset> _lastLogged = new(StringComparer.Ordinal);

    public void Failed(string dependency, string reason, Exception? exception)
    {
        var now = time.GetUtcNow();
        lock (_lastLogged)
        {
            if (_lastLogged.TryGetValue(dependency, out var last) && now - last < Quiet) return;
            _lastLogged[dependency] = now;
        }
        LogProbeFailed(logger, exception, dependency, reason, exception?.GetType().Name);
    }

    [LoggerMessage(EventId = 40, EventName = LogEvents.HealthProbeFailed, Level = LogLevel.Warning,
        Message = "Health probe of {Dependency} failed: {Reason}")]
    private static partial void LogProbeFailed(ILogger logger, Exception? exception, string dependency, string reason, string? exceptionType);
}
