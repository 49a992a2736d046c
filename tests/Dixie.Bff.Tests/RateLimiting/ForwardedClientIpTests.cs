using System.Net;
using Dixie.Bff.Tests.Support;

namespace Dixie.Bff.Tests.RateLimiting;

/// <summary>The rate-limit half of spec 02 §15's forwarded-headers bullet: whose IP the bucket is.</summary>
public sealed class ForwardedClientIpTests
{
    private static Task<DixieHost> StartAsync(string? trustedProxies) => DixieHost.StartAsync(new DixieHostOptions
    {
        Environment = { ["DIXIE_RATE_LIMIT_RPM"] = "1", ["DIXIE_TRUSTED_PROXIES"] = trustedProxies },
    });

    private static Task<HttpResponseMessage> FromAsync(DixieHost host, string forwardedFor) =>
        host.GetAsync("/api/chat", h => h.Add("X-Forwarded-For", forwardedFor));

    [Fact]
    public async Task Without_trusted_proxies_different_forwarded_for_values_share_the_peer_bucket()
    {
        await using var host = await StartAsync(null);

        var first = await FromAsync(host, "192.0.2.1");
        var second = await FromAsync(host, "192.0.2.2");

        Assert.Equal(HttpStatusCode.Unauthorized, first.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, second.StatusCode);
    }

    [Fact]
    public async Task Behind_a_trusted_proxy_each_forwarded_client_has_its_own_bucket()
    {
        await using var host = await StartAsync("127.0.0.1/32");

        var first = await FromAsync(host, "192.0.2.1");
        var second = await FromAsync(host, "192.0.2.2");
        var firstAgain = await FromAsync(host, "192.0.2.1");

        Assert.Equal(HttpStatusCode.Unauthorized, first.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, second.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, firstAgain.StatusCode);
    }

    [Fact]
    public async Task A_spoofed_entry_left_of_the_real_client_is_ignored()
    {
        await using var host = await StartAsync("127.0.0.1/32");

        var spoofedThenReal = await FromAsync(host, "192.0.2.66, 192.0.2.5");
        var otherSpoofSameReal = await FromAsync(host, "192.0.2.77, 192.0.2.5");
        var theSpoofedAddressItself = await FromAsync(host, "192.0.2.66");

        Assert.Equal(HttpStatusCode.Unauthorized, spoofedThenReal.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, otherSpoofSameReal.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, theSpoofedAddressItself.StatusCode);
    }
}
