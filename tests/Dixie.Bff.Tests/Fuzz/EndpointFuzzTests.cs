using CsCheck;
using Xunit.Abstractions;

namespace Dixie.Bff.Tests.Fuzz;

/// <summary>
/// Spec 13 §3 "Input": every endpoint the running app maps, fed random JSON, wrong types, huge
/// strings, traversal and SQL-looking text in bodies, query strings and route values, by each kind
/// of caller. Never a 5xx, never a stack trace, every 4xx in the `{error, message}` shape.
/// </summary>
[Trait("Category", "Security")]
public sealed class EndpointFuzzTests(FuzzHostFixture fixture, ITestOutputHelper output) : IClassFixture<FuzzHostFixture>
{
    // Requests in all, shared by the endpoints (at least 40 each): the suite stays well under a
    // minute here however many routes other features add.
    private const int Budget = 4000;

    private int Iterations => Math.Max(40, Budget / Math.Max(1, fixture.Endpoints.Count));

    [Fact]
    public void The_catalog_lists_every_mapped_route()
    {
        var listed = fixture.Endpoints.Select(e => e.ToString()).ToList();
        Assert.Contains("GET /api/health", listed);
        Assert.Contains("POST /api/chat", listed);
        Assert.Contains("GET /api/sessions/{id}", listed);
        Assert.Contains("DELETE /api/admin/allowlist/{entry}", listed);
        Assert.Contains("GET /api/admin/audit/{resourceType}/verify", listed);
        Assert.Contains(listed, e => e.EndsWith(" /ws/{**rest}", StringComparison.Ordinal));
        output.WriteLine(string.Join('\n', listed));
    }

    [Fact]
    public async Task Hostile_input_never_yields_a_5xx_a_stack_trace_or_an_error_without_the_shape()
    {
        var failures = new List<string>();
        var watch = System.Diagnostics.Stopwatch.StartNew();
        foreach (var endpoint in fixture.Endpoints)
        {
            try
            {
                await RequestsFor(endpoint).SampleAsync(SendAndCheckAsync, iter: Iterations, threads: 4, print: r => r.ToString());
            }
            catch (Exception ex)
            {
                failures.Add($"{endpoint}:\n{ex.Message}\n{ex.InnerException?.Message}");
            }
        }
        output.WriteLine($"{fixture.Endpoints.Count} endpoints × {Iterations} requests in {watch.Elapsed}");
        foreach (var (endpoint, statuses) in _statuses.OrderBy(s => s.Key, StringComparer.Ordinal))
            output.WriteLine($"{endpoint}: {string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}×{s.Value}"))}");
        // The service's own account of anything that went wrong, next to the requests that caused it.
        var errors = fixture.Host.Logs.Entries.Where(e => e.Level >= Microsoft.Extensions.Logging.LogLevel.Error).Select(e => e.Text).ToList();
        Assert.True(failures.Count == 0 && errors.Count == 0,
            string.Join("\n\n", failures) + "\n\nservice errors:\n" + string.Join('\n', errors.Take(20)));
    }

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, System.Collections.Concurrent.ConcurrentDictionary<int, int>> _statuses = new();

    private Gen<FuzzRequest> RequestsFor(FuzzEndpoint endpoint)
    {
        var inputs = fixture.Inputs;
        var path = endpoint.Pattern.Parameters.Count == 0
            ? Gen.Const(endpoint.PathWith(_ => ""))
            : FuzzInputs.RouteValue.Array[endpoint.Pattern.Parameters.Count].Select(values =>
            {
                var names = endpoint.Pattern.Parameters.Select(p => p.Name).ToList();
                return endpoint.PathWith(p => values[names.IndexOf(p.Name)]);
            });
        var body = fixture.Bodies.For(endpoint, inputs.JsonValue) is { } shaped ? Gen.Frequency((2, shaped), (1, inputs.Body)) : inputs.Body;
        return Gen.Select(
            Gen.Select(Gen.OneOf(Enum.GetValues<FuzzCaller>()), path, inputs.Query, Gen.Int[0, 5]),
            Gen.Select(body, FuzzInputs.ContentType, Gen.Int[0, 9], Gen.Int[0, 3]),
            (first, second) => new FuzzRequest(endpoint, first.Item1, first.Item2, first.Item3,
                second.Item1, second.Item2, AcceptsEventStream: second.Item3 == 0, SpoofsIdentity: second.Item4 == 0, InvalidUtf8: first.Item4 == 0));
    }

    private async Task SendAndCheckAsync(FuzzRequest request)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        using var message = request.ToMessage(fixture.Credential(request.Caller));
        HttpResponseMessage response;
        try
        {
            // Headers first: a stream (SSE) is judged by its status and then dropped, as a client that
            // goes away would; it may never end on its own.
            response = await fixture.Client.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            throw new FuzzFindingException($"no answer ({ex.GetType().Name}: {ex.Message} {ex.InnerException?.Message} {ex.InnerException?.InnerException?.Message})\n  request:  {request}");
        }
        _statuses.GetOrAdd(request.Endpoint.ToString(), _ => new()).AddOrUpdate((int)response.StatusCode, 1, (_, n) => n + 1);
        using (response) await ResponseRules.CheckAsync(request, response, timeout.Token);
    }
}
