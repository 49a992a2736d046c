using Dixie.Bff.Features.Health;

namespace Dixie.Bff.Features.Governance;

/// <summary>
/// The governed resources in registration order (spec 08 §1). Governors register at startup;
/// `/api/health` reads only the summary of the last snapshot, never running checks per call.
/// </summary>
public sealed class GovernorRegistry
{
    private readonly List<string> _resourceTypes = [];
    private volatile IReadOnlyDictionary<string, bool> _healthy = new Dictionary<string, bool>();

    public IReadOnlyList<string> ResourceTypes => _resourceTypes;

    public void Register(string resourceType)
    {
        if (_resourceTypes.Contains(resourceType))
            throw new InvalidOperationException($"Governor '{resourceType}' is registered twice");
        _resourceTypes.Add(resourceType);
    }

    /// <summary>Records the latest snapshot: per resource type, whether its health was `healthy`.</summary>
    public void StoreSnapshot(IReadOnlyDictionary<string, bool> healthyByResource) => _healthy = healthyByResource;

    public GovernanceSummary Summary()
    {
        var snapshot = _healthy;
        var allHealthy = _resourceTypes.All(type => snapshot.TryGetValue(type, out var healthy) && healthy);
        return new GovernanceSummary(_resourceTypes.Count, _resourceTypes.ToArray(), allHealthy ? "healthy" : "degraded");
    }
}
