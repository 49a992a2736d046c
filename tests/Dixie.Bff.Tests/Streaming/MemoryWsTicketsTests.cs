using Dixie.Bff.Features.Chat.WebSocket;
using Microsoft.Extensions.Time.Testing;

namespace Dixie.Bff.Tests.Streaming;

/// <summary>The in-process ticket store of a single instance without Redis (spec 05 §5).</summary>
public sealed class MemoryWsTicketsTests
{
    [Fact]
    public void Tickets_whose_upgrade_never_came_are_dropped_by_any_later_issue()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var tickets = new MemoryWsTickets(clock);
        for (var wallet = 0; wallet < 10; wallet++)
        {
            for (var i = 0; i < 5; i++) Assert.Equal(WsTicketOutcome.Issued, tickets.Issue($"0xwallet{wallet}", "jti").Outcome);
        }
        Assert.Equal(WsTicketOutcome.Refused, tickets.Issue("0xwallet0", "jti").Outcome);
        Assert.Equal(50, tickets.Held);

        clock.Advance(WsTicket.Lifetime + TimeSpan.FromSeconds(1));
        Assert.Equal(WsTicketOutcome.Issued, tickets.Issue("0xsomeone-else", "jti").Outcome);
        Assert.Equal(1, tickets.Held);
    }
}
