using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;

namespace Dixie.Bench;

/// <summary>
/// F10 (`make soak`, spec 13 §2): mixed traffic at a steady rate — chat turns, reputation queries,
/// single-event ingests, fleet spawns — for BENCH_SOAK_MINUTES (default 10). Passes when no
/// response is an error other than the deliberate ones (a spawn refused at the tier limit) and the
/// service's resident memory after warm-up stays within 10 % of its first post-warm-up sample.
/// </summary>
public sealed class Soak(BenchSettings settings, HttpClient client, string jwt)
{
    private const int RequestsPerSecond = 40;
    private static readonly TimeSpan WarmUp = TimeSpan.FromMinutes(2);

    public async Task<int> RunAsync(int minutes)
    {
        var duration = TimeSpan.FromMinutes(minutes);
        var counts = new Dictionary<string, int>();
        var failures = new List<string>();
        var memory = new List<long>();
        var inFlight = new List<Task>();
        using var ticker = new PeriodicTimer(TimeSpan.FromSeconds(1.0 / RequestsPerSecond));
        var watch = Stopwatch.StartNew();
        var tick = 0L;
        var nextSample = TimeSpan.Zero;
        while (watch.Elapsed < duration && await ticker.WaitForNextTickAsync())
        {
            var kind = (tick++ % 10) switch { 0 or 1 or 2 => "chat", 3 => "ingest", 4 => "spawn", _ => "query" };
            inFlight.Add(SendAsync(kind, counts, failures));
            inFlight.RemoveAll(t => t.IsCompleted);
            if (watch.Elapsed >= nextSample)
            {
                nextSample += TimeSpan.FromSeconds(10);
                if (watch.Elapsed >= WarmUp && settings.ServicePid is { } pid && ResidentMemory.Megabytes(pid) is { } rss) memory.Add(rss);
            }
        }
        await Task.WhenAll(inFlight);

        var growth = memory.Count > 1 ? (memory.Max() - memory[0]) / (double)memory[0] : 0;
        Console.WriteLine($"soak: {minutes} min at {RequestsPerSecond} req/s: " + string.Join(", ", counts.Select(c => $"{c.Key} {c.Value}")));
        Console.WriteLine($"soak: resident memory after warm-up {(memory.Count > 0 ? $"{memory[0]}–{memory.Max()} MB" : "not sampled")} (growth {growth:P1}, limit 10 %)");
        foreach (var failure in failures.Take(20)) Console.WriteLine("soak: unexpected " + failure);
        var pass = failures.Count == 0 && growth <= 0.10;
        Console.WriteLine(pass ? "make soak: passed" : $"make soak: FAILED ({failures.Count} unexpected responses)");
        return pass ? 0 : 1;
    }

    private async Task SendAsync(string kind, Dictionary<string, int> counts, List<string> failures)
    {
        using var request = kind switch
        {
            "chat" => Authorized(HttpMethod.Post, "/api/chat", jwt, new { prompt = "How is the soak going?" }),
            "ingest" => Authorized(HttpMethod.Post, "/api/reputation/events", settings.AdminKey, BenchSeed.EventBatches("soak", 1).First()),
            "spawn" => Authorized(HttpMethod.Post, "/api/fleet/spawn", jwt,
                new { description = $"soak task {Guid.NewGuid():N} demo:sleep=3", taskType = "docs", repository = "soak/repo" }),
            _ => new HttpRequestMessage(HttpMethod.Get, $"/api/reputation/query?routingKey=nft:{BenchSeed.SeededAgent(Random.Shared.Next(BenchSeed.SeededAgents))}"),
        };
        HttpStatusCode status;
        string body = "";
        try
        {
            using var response = await client.SendAsync(request);
            status = response.StatusCode;
            if (!response.IsSuccessStatusCode) body = await response.Content.ReadAsStringAsync();
        }
        catch (HttpRequestException ex)
        {
            lock (failures) failures.Add($"{kind}: {ex.Message}");
            return;
        }
        lock (counts) counts[kind] = counts.GetValueOrDefault(kind) + 1;
        var deliberate = kind == "spawn" && status == HttpStatusCode.Forbidden && body.Contains("tier_limit_exceeded", StringComparison.Ordinal);
        if ((int)status >= 400 && !deliberate)
            lock (failures) failures.Add($"{kind}: {(int)status} {body}");
    }

    private static HttpRequestMessage Authorized(HttpMethod method, string path, string bearer, object body)
    {
        var request = new HttpRequestMessage(method, path)
        {
            Content = body is string json ? new StringContent(json, System.Text.Encoding.UTF8, "application/json") : JsonContent.Create(body),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        return request;
    }
}
