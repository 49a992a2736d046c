using Dixie.Bff.Infrastructure.Redis;
using StackExchange.Redis;

namespace Dixie.Bff.Features.Chat.WebSocket;

/// <summary>
/// WebSocket tickets (spec 05 §5): in Redis when it is configured, in process otherwise. A configured
/// Redis that is down makes the store unavailable — never a fallback to memory, where another instance
/// could not find the ticket.
/// </summary>
public sealed class WsTicketStore(RedisConnection redis, RedisWsTickets redisTickets, MemoryWsTickets memoryTickets)
{
    public async Task<WsTicketIssue> IssueAsync(string wallet, string jti)
    {
        if (!redis.IsConfigured) return memoryTickets.Issue(wallet, jti);
        if (!redis.IsConnected) return new WsTicketIssue(WsTicketOutcome.Unavailable, "", 0);
        try
        {
            return await redisTickets.IssueAsync(wallet, jti);
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            return new WsTicketIssue(WsTicketOutcome.Unavailable, "", 0);
        }
    }

    /// <summary>Removes the ticket; only the one caller that removed an unexpired ticket gets its record.</summary>
    public async Task<(WsTicketRedemption Outcome, WsTicketRecord? Record)> ConsumeAsync(string ticket)
    {
        if (!redis.IsConfigured)
            return memoryTickets.Consume(ticket) is { } local ? (WsTicketRedemption.Consumed, local) : (WsTicketRedemption.NotFound, null);
        if (!redis.IsConnected) return (WsTicketRedemption.Unavailable, null);
        try
        {
            return await redisTickets.ConsumeAsync(ticket) is { } record ? (WsTicketRedemption.Consumed, record) : (WsTicketRedemption.NotFound, null);
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            return (WsTicketRedemption.Unavailable, null);
        }
    }
}
