using Dixie.Bff.Features.Reputation;
using Microsoft.Extensions.Time.Testing;

namespace Dixie.Bff.Tests.Reputation;

/// <summary>Spec 06 §14 items 16–17: the routing key and the score cache (fake clock).</summary>
public sealed class ScoreCacheTests
{
    [Theory]
    [InlineData("nft:agent-1", "agent-1")]
    [InlineData(null, null)]
    [InlineData("", null)]
    [InlineData("nft:", null)]
    [InlineData("nft:../../admin", null)]
    [InlineData("NFT:1", null)]
    [InlineData("nft:a b", null)]
    [InlineData("nft:agent-1\n", null)]
    public void Routing_keys(string? key, string? nftId) => Assert.Equal(nftId, RoutingKey.NftIdOf(key));

    [Fact]
    public void Routing_keys_are_at_most_132_characters()
    {
        Assert.Equal(new string('a', 128), RoutingKey.NftIdOf("nft:" + new string('a', 128)));
        Assert.Null(RoutingKey.NftIdOf("nft:" + new string('a', 129)));
    }

    [Fact]
    public void Entries_expire_after_five_seconds()
    {
        var clock = new FakeTimeProvider();
        var cache = new ScoreCache(clock);
        cache.Store("a", cache.BeginLoad("a"), 0.7);
        clock.Advance(TimeSpan.FromMilliseconds(4999));
        Assert.True(cache.TryGet("a", out var score));
        Assert.Equal(0.7, score);
        clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.False(cache.TryGet("a", out _));
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public void Null_is_cached_too()
    {
        var cache = new ScoreCache(new FakeTimeProvider());
        cache.Store("unknown", cache.BeginLoad("unknown"), null);
        Assert.True(cache.TryGet("unknown", out var score));
        Assert.Null(score);
    }

    [Fact]
    public void The_least_recently_used_entry_is_evicted_at_capacity()
    {
        var cache = new ScoreCache(new FakeTimeProvider());
        for (var i = 0; i < ScoreCache.Capacity; i++) cache.Store($"k{i}", cache.BeginLoad($"k{i}"), i);
        Assert.True(cache.TryGet("k0", out _));
        cache.Store("k10000", cache.BeginLoad("k10000"), 1);
        Assert.Equal(ScoreCache.Capacity, cache.Count);
        Assert.True(cache.TryGet("k0", out _));
        Assert.False(cache.TryGet("k1", out _));
        Assert.True(cache.TryGet("k10000", out _));
    }

    [Fact]
    public void Invalidation_removes_the_entry_and_drops_a_load_that_started_before_it()
    {
        var cache = new ScoreCache(new FakeTimeProvider());
        cache.Store("a", cache.BeginLoad("a"), 0.5);
        var staleLoad = cache.BeginLoad("a");
        cache.Invalidate(["a"]);
        Assert.False(cache.TryGet("a", out _));
        Assert.False(cache.Store("a", staleLoad, 0.5));
        Assert.False(cache.TryGet("a", out _));
        Assert.True(cache.Store("a", cache.BeginLoad("a"), 0.6));
    }
}
