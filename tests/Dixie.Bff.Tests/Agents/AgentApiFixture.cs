namespace Dixie.Bff.Tests.Agents;

/// <summary>One agent host for the suites that only use fresh agents and never change emulator faults.</summary>
public sealed class AgentApiFixture : IAsyncLifetime
{
    public AgentHost Agents { get; private set; } = null!;

    public async Task InitializeAsync() => Agents = await AgentHost.StartAsync();

    public async Task DisposeAsync() => await Agents.DisposeAsync();
}
