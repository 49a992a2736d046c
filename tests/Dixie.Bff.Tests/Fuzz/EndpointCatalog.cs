using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;

namespace Dixie.Bff.Tests.Fuzz;

/// <summary>One method on one route of the running app, as the router sees it.</summary>
public sealed record FuzzEndpoint(string Method, RoutePattern Pattern)
{
    public string Route => Pattern.RawText ?? "/";

    public bool IsWebSocket => Route.StartsWith("/ws/", StringComparison.Ordinal);

    /// <summary>The path with every parameter replaced by <paramref name="valueFor"/> (already escaped by the caller).</summary>
    public string PathWith(Func<RoutePatternParameterPart, string> valueFor)
    {
        var path = new System.Text.StringBuilder();
        foreach (var segment in Pattern.PathSegments)
        {
            path.Append('/');
            foreach (var part in segment.Parts)
            {
                path.Append(part switch
                {
                    RoutePatternLiteralPart literal => literal.Content,
                    RoutePatternSeparatorPart separator => separator.Content,
                    RoutePatternParameterPart parameter => valueFor(parameter),
                    _ => "",
                });
            }
        }
        return path.Length == 0 ? "/" : path.ToString();
    }

    public override string ToString() => $"{Method} {Route}";
}

/// <summary>
/// Every endpoint of a running host, read from its <see cref="EndpointDataSource"/> — so routes
/// other features add later are fuzzed without anyone listing them here.
/// </summary>
public static class EndpointCatalog
{
    // Routes mapped without method metadata (a Map() for upgrades, the metrics scrape) get these.
    private static readonly string[] AnyMethod = [HttpMethods.Get, HttpMethods.Post, HttpMethods.Delete];

    public static IReadOnlyList<FuzzEndpoint> Of(IServiceProvider services)
    {
        var source = services.GetRequiredService<EndpointDataSource>();
        return source.Endpoints
            .OfType<RouteEndpoint>()
            .SelectMany(endpoint =>
            {
                var methods = endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? (IReadOnlyList<string>)AnyMethod;
                return methods.Select(method => new FuzzEndpoint(method, endpoint.RoutePattern));
            })
            .DistinctBy(e => e.ToString())
            .OrderBy(e => e.Route, StringComparer.Ordinal).ThenBy(e => e.Method, StringComparer.Ordinal)
            .ToList();
    }
}
