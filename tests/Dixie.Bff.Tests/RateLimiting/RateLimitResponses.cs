using System.Net.Http.Headers;
using Dixie.Bff.Infrastructure.RateLimiting;
using Dixie.Bff.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Dixie.Bff.Tests.RateLimiting;

/// <summary>Reading the rate-limit headers, and hosts whose in-process limiter runs on a test clock.</summary>
internal static class RateLimitResponses
{
    public static string? Header(this HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(",", values) : null;

    public static bool HasRateLimitHeaders(this HttpResponseMessage response) =>
        response.Headers.Contains(RateLimitHeaders.Limit) || response.Headers.Contains(RateLimitHeaders.Remaining)
        || response.Headers.Contains(RateLimitHeaders.Policy) || response.Headers.Contains(RateLimitHeaders.State);

    public static Task<HttpResponseMessage> GetAsync(this DixieHost host, string path, Action<HttpRequestHeaders>? headers = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        headers?.Invoke(request.Headers);
        return host.Client.SendAsync(request);
    }

    /// <summary>A host on the memory backend whose limiter reads <paramref name="clock"/>.</summary>
    public static Task<DixieHost> StartWithClockAsync(FakeTimeProvider clock, Dictionary<string, string?> environment)
    {
        var options = new DixieHostOptions
        {
            ConfigureServices = services => services.AddSingleton(new MemoryRateLimiter(clock)),
        };
        foreach (var (name, value) in environment) options.Environment[name] = value;
        return DixieHost.StartAsync(options);
    }
}
