namespace Dixie.Bff.Features.Chat.WebSocket;

/// <summary>
/// Tickets in process for a single instance without Redis (spec 05 §5, D8): the same lifetime, cap
/// and single use. Expired tickets are dropped whenever anyone issues or redeems, so tickets whose
/// upgrade never arrived cannot pile up (at most 5 live per wallet, each for 30 s).
/// </summary>
public sealed class MemoryWsTickets(TimeProvider time)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, (WsTicketRecord Record, DateTimeOffset ExpiresAt)> _byTicket = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<(string Ticket, DateTimeOffset ExpiresAt)>> _byWallet = new(StringComparer.Ordinal);

    /// <summary>Tickets held, expired ones included until the next sweep.</summary>
    internal int Held
    {
        get
        {
            lock (_gate) return _byTicket.Count;
        }
    }

    public WsTicketIssue Issue(string wallet, string jti)
    {
        var now = time.GetUtcNow();
        lock (_gate)
        {
            Sweep(now);
            var mine = _byWallet.GetValueOrDefault(wallet);
            if (mine is { Count: >= WsTicket.PerWalletLimit })
                return new WsTicketIssue(WsTicketOutcome.Refused, "", WsTicket.RetryAfterSeconds(mine.Min(t => t.ExpiresAt) - now));
            string ticket;
            do ticket = WsTicket.New(); while (_byTicket.ContainsKey(ticket));
            var expiresAt = now + WsTicket.Lifetime;
            _byTicket[ticket] = (new WsTicketRecord(wallet, jti, now.ToUnixTimeMilliseconds()), expiresAt);
            if (mine is null) _byWallet[wallet] = mine = [];
            mine.Add((ticket, expiresAt));
            return new WsTicketIssue(WsTicketOutcome.Issued, ticket, 0);
        }
    }

    public WsTicketRecord? Consume(string ticket)
    {
        var now = time.GetUtcNow();
        lock (_gate)
        {
            Sweep(now);
            if (!_byTicket.Remove(ticket, out var entry)) return null;
            _byWallet.GetValueOrDefault(entry.Record.Wallet)?.RemoveAll(t => t.Ticket == ticket);
            return entry.Record;
        }
    }

    private void Sweep(DateTimeOffset now)
    {
        foreach (var (ticket, entry) in _byTicket)
        {
            if (entry.ExpiresAt <= now) _byTicket.Remove(ticket);
        }
        foreach (var (wallet, tickets) in _byWallet)
        {
            tickets.RemoveAll(t => t.ExpiresAt <= now);
            if (tickets.Count == 0) _byWallet.Remove(wallet);
        }
    }
}
