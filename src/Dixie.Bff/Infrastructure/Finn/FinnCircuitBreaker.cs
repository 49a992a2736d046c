using Dixie.Bff.Infrastructure.Logging;
using Dixie.Bff.Infrastructure.Telemetry;
using Polly;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace Dixie.Bff.Infrastructure.Finn;

/// <summary>
/// The per-instance breaker around every finn call (spec 05 §8, ADR-002): opens after 5 failures
/// with no success in 30 s, stays open 10 s, then lets one probe through. The per-call timeout sits
/// inside it, so a timeout is a failure; caller cancellation is never recorded.
/// </summary>
public sealed partial class FinnCircuitBreaker
{
    private static readonly ResiliencePropertyKey<TimeSpan> TimeoutKey = new("finn.timeout");
    private readonly CircuitBreakerStateProvider _state = new();
    private readonly ILogger<FinnCircuitBreaker> _logger;
    private int _consecutiveFailures;
    private string _lastTransition = "closed";

    public FinnCircuitBreaker(TimeProvider timeProvider, ILogger<FinnCircuitBreaker> logger)
    {
        _logger = logger;
        Pipeline = new ResiliencePipelineBuilder { TimeProvider = timeProvider, Name = "finn" }
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions
            {
                FailureRatio = 1.0,
                MinimumThroughput = 5,
                SamplingDuration = TimeSpan.FromSeconds(30),
                BreakDuration = TimeSpan.FromSeconds(10),
                StateProvider = _state,
                ShouldHandle = args => ValueTask.FromResult(CountOutcome(args.Outcome.Exception)),
                OnOpened = _ => Transition("open"),
                OnHalfOpened = _ => Transition("half-open"),
                OnClosed = _ => Transition("closed"),
            })
            .AddTimeout(new TimeoutStrategyOptions
            {
                TimeoutGenerator = args => ValueTask.FromResult(
                    args.Context.Properties.GetValue(TimeoutKey, TimeSpan.FromSeconds(30))),
            })
            .Build();
        FinnMetrics.ObserveCircuitState(() => State);
    }

    internal ResiliencePipeline Pipeline { get; }

    /// <summary>`closed` | `open` | `half_open`, as health and metrics spell it.</summary>
    public string State => _state.CircuitState switch
    {
        CircuitState.Open or CircuitState.Isolated => "open",
        CircuitState.HalfOpen => "half_open",
        _ => "closed",
    };

    /// <summary>Runs one finn call under the breaker with its own timeout.</summary>
    public async Task<T> ExecuteAsync<T>(Func<CancellationToken, ValueTask<T>> call, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(TimeoutKey, timeout);
        try
        {
            return await Pipeline.ExecuteAsync(static (ctx, c) => c(ctx.CancellationToken), context, call);
        }
        catch (BrokenCircuitException open)
        {
            // While a probe runs Polly reports a whole new break; the answer is known within a second (spec 05 §8).
            var retryAfter = _state.CircuitState == CircuitState.HalfOpen ? TimeSpan.FromSeconds(1) : open.RetryAfter ?? TimeSpan.FromSeconds(1);
            throw new FinnCallException(FinnFailureKind.Circuit, retryAfter: retryAfter);
        }
        catch (TimeoutRejectedException timeoutEx)
        {
            throw new FinnCallException(FinnFailureKind.Timeout, inner: timeoutEx);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    /// <summary>
    /// Decides what the breaker records, and keeps the failures-since-last-success count that the
    /// transition log reports; it runs before the breaker acts, so an opening sees all five.
    /// </summary>
    private bool CountOutcome(Exception? exception)
    {
        var isFailure = exception is FinnCallException or TimeoutRejectedException;
        if (isFailure) Interlocked.Increment(ref _consecutiveFailures);
        else if (exception is null) Interlocked.Exchange(ref _consecutiveFailures, 0);
        // Polly records every unhandled outcome as a success, and a success closes a half-open circuit.
        // A probe its caller cancelled proved nothing about finn, so it counts as a failed probe (ADR-012).
        else if (exception is OperationCanceledException && _state.CircuitState == CircuitState.HalfOpen) return true;
        return isFailure;
    }

    private ValueTask Transition(string to)
    {
        // Transition words keep the spelling existing alert filters match (`half-open`).
        var from = Interlocked.Exchange(ref _lastTransition, to);
        var metricState = to == "half-open" ? "half_open" : to;
        FinnMetrics.CircuitTransitions.Add(1, new KeyValuePair<string, object?>("to", metricState));
        var failures = Volatile.Read(ref _consecutiveFailures);
        var level = to switch { "open" => LogLevel.Error, "half-open" => LogLevel.Warning, _ => LogLevel.Information };
        LogTransition(_logger, level, from, to, metricState, failures, "loa-finn");
        return ValueTask.CompletedTask;
    }

    [LoggerMessage(EventId = 30, EventName = LogEvents.CircuitBreakerTransition,
        Message = "loa-finn circuit breaker {From} -> {To}")]
    private static partial void LogTransition(ILogger logger, LogLevel level, string from, string to, string circuitState, int consecutiveFailures, string service);
}
