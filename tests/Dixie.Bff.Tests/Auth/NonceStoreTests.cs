using System.Net;
using Dixie.Bff.Features.Auth;
using Microsoft.Extensions.Time.Testing;

namespace Dixie.Bff.Tests.Auth;

/// <summary>The in-process nonce store and the client key, without a host.</summary>
public sealed class NonceStoreTests
{
    [Fact]
    public void Ipv4_mapped_addresses_count_as_ipv4()
    {
        Assert.Equal("192.0.2.1", NonceStore.ClientKey(IPAddress.Parse("::ffff:192.0.2.1")));
        Assert.Equal("2001:db8::1", NonceStore.ClientKey(IPAddress.Parse("2001:db8::1")));
    }

    [Fact]
    public void Process_store_expires_nonces_after_300s_and_reports_the_oldest_for_retry()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 15, 10, 0, 0, TimeSpan.Zero));
        using var store = new MemoryNonces(time);
        var first = store.Issue("192.0.2.1");
        for (var i = 1; i < NonceStore.PerIpLimit; i++)
        {
            time.Advance(TimeSpan.FromSeconds(10));
            Assert.Equal(NonceOutcome.Issued, store.Issue("192.0.2.1").Outcome);
        }

        var refused = store.Issue("192.0.2.1");
        Assert.Equal(NonceOutcome.Refused, refused.Outcome);
        // The first nonce was issued 190 s ago and lives 300 s.
        Assert.Equal(110, refused.RetryAfterSeconds);

        time.Advance(TimeSpan.FromSeconds(110));
        Assert.False(store.Consume(first.Nonce));
        Assert.Equal(NonceOutcome.Issued, store.Issue("192.0.2.1").Outcome);
    }

    [Fact]
    public void Process_store_holds_at_most_100000_outstanding_nonces()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 15, 10, 0, 0, TimeSpan.Zero));
        using var store = new MemoryNonces(time);
        for (var i = 0; i < MemoryNonces.ProcessLimit; i++)
        {
            Assert.Equal(NonceOutcome.Issued, store.Issue($"client-{i / NonceStore.PerIpLimit}").Outcome);
        }
        time.Advance(TimeSpan.FromSeconds(1));

        var refused = store.Issue("another-client");
        Assert.Equal(NonceOutcome.Refused, refused.Outcome);
        Assert.Equal(299, refused.RetryAfterSeconds);

        // The sweep every 60 s forgets expired nonces.
        time.Advance(TimeSpan.FromSeconds(300));
        Assert.Equal(0, store.OutstandingCount);
        Assert.Equal(NonceOutcome.Issued, store.Issue("another-client").Outcome);
    }
}
