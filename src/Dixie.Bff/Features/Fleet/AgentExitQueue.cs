using System.Threading.Channels;

namespace Dixie.Bff.Features.Fleet;

/// <summary>The runner's exit callback (spec 07 §4): exits wait here until the recorder applies them.</summary>
public sealed class AgentExitQueue
{
    private readonly Channel<AgentExit> channel = Channel.CreateUnbounded<AgentExit>(new UnboundedChannelOptions { SingleReader = true });

    public void Publish(AgentExit exit) => channel.Writer.TryWrite(exit);

    public IAsyncEnumerable<AgentExit> ReadAllAsync(CancellationToken ct) => channel.Reader.ReadAllAsync(ct);
}
