namespace Dixie.Bff.Features.Governance.Mutations;

/// <summary>
/// The instance's session id (spec 08 §3): a random UUID made at process start. Every mutation row
/// this process writes carries it, so an operator can tell which instance acted.
/// </summary>
public sealed class InstanceSession
{
    public Guid Id { get; } = Guid.NewGuid();
}
