using Dixie.Bff.Infrastructure.Redis;
using StackExchange.Redis;

namespace Dixie.Bff.Features.Chat.WebSocket;

/// <summary>
/// Tickets in Redis (spec 05 §5), so any instance redeems what another issued. Issue is one script
/// on Redis's clock — expired tickets are dropped before counting, so they never hold a slot — and
/// redemption is one script that exactly one caller wins.
/// </summary>
public sealed class RedisWsTickets(RedisConnection redis, Infrastructure.Configuration.DixieConfig config)
{
    private const string IssueScript = CappedIssueScript.Source;

    // KEYS[1] ticket key; ARGV[1] the (prefixed) index key family, ARGV[2] the ticket. The index key
    // is named by the wallet inside the record, so it is built here rather than passed as a key.
    private const string ConsumeScript = """
        local value = redis.call('GET', KEYS[1])
        if not value then return false end
        redis.call('DEL', KEYS[1])
        local ok, record = pcall(cjson.decode, value)
        if ok and type(record) == 'table' and type(record.wallet) == 'string' then
          redis.call('ZREM', ARGV[1] .. record.wallet, ARGV[2])
        end
        return value
        """;

    public async Task<WsTicketIssue> IssueAsync(string wallet, string jti)
    {
        var valuePrefix = $$"""{"wallet":{{System.Text.Json.JsonSerializer.Serialize(wallet)}},"jti":{{System.Text.Json.JsonSerializer.Serialize(jti)}},"issuedAt":""";
        while (true)
        {
            var ticket = WsTicket.New();
            var reply = (RedisResult[])(await redis.Database.ScriptEvaluateAsync(IssueScript,
                [RedisKeys.WsTicket + ticket, RedisKeys.WsTicketsByWallet + wallet],
                [ticket, valuePrefix, WsTicket.PerWalletLimit, (long)WsTicket.Lifetime.TotalMilliseconds]))!;
            var (status, now, expiry) = ((long)reply[0], (long)reply[1], (long)reply[2]);
            switch (status)
            {
                case 1:
                    return new WsTicketIssue(WsTicketOutcome.Issued, ticket, 0);
                case 0:
                    return new WsTicketIssue(WsTicketOutcome.Refused, "", WsTicket.RetryAfterSeconds(TimeSpan.FromMilliseconds(expiry - now)));
                default:
                    // 192 random bits collided with a live ticket: draw again rather than share it.
                    continue;
            }
        }
    }

    public async Task<WsTicketRecord?> ConsumeAsync(string ticket)
    {
        var value = await redis.Database.ScriptEvaluateAsync(ConsumeScript,
            [RedisKeys.WsTicket + ticket], [config.Data.RedisPrefix + RedisKeys.WsTicketsByWallet, ticket]);
        return value.IsNull ? null : WsTicketRecord.TryParse((string?)value);
    }
}
