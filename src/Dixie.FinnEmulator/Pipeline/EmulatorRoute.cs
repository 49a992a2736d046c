using Dixie.FinnEmulator.Admin;

namespace Dixie.FinnEmulator.Pipeline;

public enum RouteKind
{
    /// <summary><c>/healthz</c> and <c>/_emulator/*</c>: not recorded, counted or faulted.</summary>
    Open,

    /// <summary>finn's HTTP routes: recorded, counted, faultable, bearer on <c>/api/*</c>.</summary>
    Finn,

    /// <summary>finn's WebSocket upgrade routes.</summary>
    WebSocket,
}

/// <summary>
/// Endpoint metadata telling <see cref="RequestPipeline"/> how to treat a route, with the counter of
/// its template resolved once at startup.
/// </summary>
public sealed record EmulatorRoute(RouteKind Kind, Counter? Counter, bool CarriesText = false);

public static class EmulatorRouteExtensions
{
    /// <summary>
    /// Marks every endpoint of <paramref name="group"/> and names its counter
    /// <c>"&lt;METHOD&gt; &lt;template&gt;"</c> (<c>"WS &lt;template&gt;"</c> for upgrades).
    /// </summary>
    public static TBuilder AsEmulatorRoutes<TBuilder>(this TBuilder group, RouteKind kind, Counters counters)
        where TBuilder : IEndpointConventionBuilder
    {
        group.Finally(endpoint =>
        {
            if (endpoint is not RouteEndpointBuilder route)
            {
                return;
            }
            var method = kind == RouteKind.WebSocket
                ? "WS"
                : endpoint.Metadata.OfType<HttpMethodMetadata>().FirstOrDefault()?.HttpMethods is [var first, ..] ? first : "ANY";
            var template = "/" + route.RoutePattern.RawText?.TrimStart('/').Replace("{**", "{", StringComparison.Ordinal);
            var carriesText = endpoint.Metadata.OfType<CarriesTextMarker>().Any();
            endpoint.Metadata.Add(new EmulatorRoute(kind, kind == RouteKind.Open ? null : counters.For($"{method} {template}"), carriesText));
        });
        return group;
    }

    /// <summary>The endpoint's body text may hold a <c>[[fault:…]]</c> directive (spec 11 §7.2).</summary>
    public static TBuilder CarriesText<TBuilder>(this TBuilder endpoint) where TBuilder : IEndpointConventionBuilder =>
        endpoint.WithMetadata(CarriesTextMarker.Instance);

    private sealed class CarriesTextMarker
    {
        public static readonly CarriesTextMarker Instance = new();
    }
}
