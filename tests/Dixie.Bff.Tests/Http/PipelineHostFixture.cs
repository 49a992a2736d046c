using Dixie.Bff.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Dixie.Bff.Tests.Http;

public sealed record EchoBody(int Count, string Name);

/// <summary>One host per pipeline test class, with a few test-only endpoints to exercise the stages.</summary>
public sealed class PipelineHostFixture : IAsyncLifetime
{
    public DixieHost Host { get; private set; } = null!;

    /// <summary>The listed API key <see cref="DixieHost.Client"/> sends.</summary>
    public string ApiKey { get; } = TestEnvironment.NewApiKey();

    public async Task InitializeAsync()
    {
        Host = await DixieHost.StartAsync(new DixieHostOptions
        {
            Environment = { ["DIXIE_CORS_ORIGINS"] = "https://app.example.com,http://localhost:5173", ["DIXIE_RATE_LIMIT_RPM"] = "1000000" },
            // The test endpoints live under /api, behind the allowlist gate.
            ApiKey = ApiKey,
            MapExtra = MapTestEndpoints,
        });
    }

    public async Task DisposeAsync() => await Host.DisposeAsync();

    internal static void MapTestEndpoints(IEndpointRouteBuilder app)
    {
        app.MapGet("/api/test/throw", string () => throw new InvalidOperationException("secret detail 0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"));
        app.MapPost("/api/test/echo", (EchoBody body) => TypedResults.Ok(new { count = body.Count }))
            .Accepts<EchoBody>("application/json");
        app.MapPost("/api/test/raw", async (HttpRequest request) =>
        {
            using var buffer = new MemoryStream();
            await request.Body.CopyToAsync(buffer);
            return TypedResults.Ok(new { length = buffer.Length });
        });
        app.MapGet("/api/test/headers", (HttpRequest request) => TypedResults.Ok(new
        {
            names = request.Headers.Keys.Select(k => k.ToLowerInvariant()).OrderBy(k => k, StringComparer.Ordinal).ToArray(),
        }));
    }
}
