namespace Dixie.Bff.Infrastructure.Finn;

/// <summary>How a finn call failed; decides the status dixie answers (spec 05 §9).</summary>
public enum FinnFailureKind
{
    /// <summary>finn answered with a status that counts as an outage (5xx, 429, 1xx/3xx).</summary>
    Http,
    /// <summary>Refused, reset, DNS or TLS failure.</summary>
    Network,
    Timeout,
    /// <summary>2xx whose body is not the JSON the call expects (or above 4 MiB).</summary>
    Malformed,
    /// <summary>The breaker is open: no request was sent.</summary>
    Circuit,
}

/// <summary>A finn call that failed in a way the breaker counts (or was refused by it).</summary>
public sealed class FinnCallException(FinnFailureKind kind, int? status = null, string? code = null, TimeSpan? retryAfter = null, Exception? inner = null)
    : Exception($"loa-finn call failed: {kind}{(status is { } s ? $" HTTP {s}" : "")}", inner)
{
    public FinnFailureKind Kind { get; } = kind;
    public int? Status { get; } = status;
    /// <summary>finn's string `code`, when its body had one.</summary>
    public string? Code { get; } = code;
    /// <summary>Remaining break while the circuit is open.</summary>
    public TimeSpan? RetryAfter { get; } = retryAfter;
}
