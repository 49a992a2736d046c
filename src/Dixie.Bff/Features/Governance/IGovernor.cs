namespace Dixie.Bff.Features.Governance;

/// <summary>
/// A governed resource (spec 08 §1.1): one bounded check computed from the live tables. Features
/// register theirs with <c>services.AddSingleton&lt;IGovernor, XxxGovernor&gt;()</c>; the registry
/// orders them as spec 08 §1.1 fixes (reputation, fleet, audit, allowlist).
/// </summary>
public interface IGovernor
{
    /// <summary>Matches `^[a-z][a-z0-9_-]{0,63}$`.</summary>
    string ResourceType { get; }

    Task<GovernorCheck> CheckAsync(CancellationToken cancellationToken);
}

/// <summary>What one check found; <see cref="Status"/> follows from the invariants.</summary>
public sealed record GovernorCheck(long TotalItems, long StaleItems, long Version, IReadOnlyList<InvariantResult> Invariants)
{
    public string Status => Invariants.All(i => i.Satisfied) ? "healthy" : "degraded";
}

/// <summary>One invariant's outcome; <see cref="Detail"/> names at most five offenders.</summary>
public sealed record InvariantResult(string Id, string Description, bool Satisfied, string Detail);
