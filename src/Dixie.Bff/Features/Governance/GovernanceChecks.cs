using Dixie.Bff.Infrastructure.Logging;

namespace Dixie.Bff.Features.Governance;

/// <summary>
/// Runs every governor's check in parallel, each bounded at 2 s (spec 08 §1.1); a check that throws
/// or overruns reports `"health": null` with a short reason. The result is stored as the snapshot.
/// </summary>
public sealed partial class GovernanceChecks(GovernorRegistry registry, ILogger<GovernanceChecks> logger)
{
    public static readonly TimeSpan CheckTimeout = TimeSpan.FromSeconds(2);

    public async Task<IReadOnlyList<GovernorSnapshot>> RefreshAsync(CancellationToken cancellationToken)
    {
        var snapshot = await Task.WhenAll(registry.Governors.Select(g => CheckOneAsync(g, cancellationToken)));
        registry.StoreSnapshot(snapshot);
        return snapshot;
    }

    private async Task<GovernorSnapshot> CheckOneAsync(IGovernor governor, CancellationToken cancellationToken)
    {
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bounded.CancelAfter(CheckTimeout);
        try
        {
            // WaitAsync too: a check that ignores its token still cannot hold the snapshot up.
            var check = await Task.Run(() => governor.CheckAsync(bounded.Token), bounded.Token).WaitAsync(CheckTimeout, cancellationToken);
            return new GovernorSnapshot(governor.ResourceType, check, null);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            var reason = e is TimeoutException or OperationCanceledException ? "check timed out after 2 s" : $"check failed ({e.GetType().Name})";
            LogCheckFailed(logger, governor.ResourceType, reason);
            return new GovernorSnapshot(governor.ResourceType, null, reason);
        }
    }

    [LoggerMessage(EventId = 810, EventName = LogEvents.GovernanceCheckFailed, Level = LogLevel.Warning,
        Message = "Governor {ResourceType}: {Reason}")]
    private static partial void LogCheckFailed(ILogger logger, string resourceType, string reason);
}
