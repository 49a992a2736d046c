using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Dixie.Bench;

/// <summary>
/// P8: 50 concurrent spawns by 10 operators (five architects, limit 3; five builders, limit 1), their
/// tiers coming from finn-emulator's staking map. No operator may end with more admissions than its
/// limit, and every spawn must be answered within a second.
/// </summary>
public sealed class FleetPerf(BenchSettings settings, HttpClient client)
{
    private const int Operators = 10;
    private const int SpawnsPerOperator = 5;

    public async Task<ScenarioResult> RunAsync()
    {
        var operators = new List<(string Token, int Limit)>();
        for (var i = 0; i < Operators; i++)
        {
            var wallet = Hardhat.NewWallet();
            var architect = i % 2 == 0;
            await AdminPostAsync(new Uri(settings.BaseUrl, "/api/admin/allowlist"), new { type = "wallet", value = wallet.Address });
            using var staked = await client.PostAsJsonAsync(new Uri(settings.EmulatorUrl, "/_emulator/staking"),
                new { wallet = wallet.Address, bgtStaked = architect ? 1500 : 150 });
            staked.EnsureSuccessStatusCode();
            operators.Add((await SignInAsync(wallet), architect ? 3 : 1));
        }

        var latencies = new List<double>();
        var overLimit = 0;
        var unexpected = 0;
        var spawns = operators.Select(async op =>
        {
            var outcomes = await Task.WhenAll(Enumerable.Range(0, SpawnsPerOperator).Select(_ => SpawnAsync(op.Token)));
            lock (latencies) latencies.AddRange(outcomes.Select(o => o.Milliseconds));
            var admitted = outcomes.Count(o => o.Status == 201);
            if (admitted > op.Limit) Interlocked.Increment(ref overLimit);
            Interlocked.Add(ref unexpected, outcomes.Count(o => o.Status is not (201 or 403)));
        });
        await Task.WhenAll(spawns);
        var sorted = latencies.Order().ToArray();
        var p99 = sorted[(int)Math.Ceiling(0.99 * sorted.Length) - 1];
        return new ScenarioResult
        {
            Id = "P8", Scenario = "fleet: 50 concurrent spawns by 10 operators", P50Ms = Median.Of(sorted), P99Ms = p99,
            Target = "limits never exceeded, p99 < 1000 ms", Pass = overLimit == 0 && unexpected == 0 && p99 < 1000,
            Note = overLimit > 0 ? $"{overLimit} operators over their limit" : unexpected > 0 ? $"{unexpected} unexpected statuses" : "",
        };
    }

    private async Task<(int Status, double Milliseconds)> SpawnAsync(string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/fleet/spawn")
        {
            Content = JsonContent.Create(new { description = $"bench task {Guid.NewGuid():N} demo:sleep=5", taskType = "docs", repository = "bench/repo" }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var watch = Stopwatch.StartNew();
        using var response = await client.SendAsync(request);
        return ((int)response.StatusCode, watch.Elapsed.TotalMilliseconds);
    }

    private async Task<string> SignInAsync(Hardhat wallet)
    {
        using var nonce = JsonDocument.Parse(await client.GetStringAsync("/api/auth/nonce"));
        var message = new SiweText
        {
            Domain = settings.BaseUrl.Authority, Uri = settings.BaseUrl.GetLeftPart(UriPartial.Authority), Address = wallet.Address,
            Nonce = nonce.RootElement.GetProperty("nonce").GetString()!, IssuedAt = DateTimeOffset.UtcNow,
        }.ToString();
        using var response = await client.PostAsJsonAsync("/api/auth/siwe", new { message, signature = wallet.Sign(message) });
        response.EnsureSuccessStatusCode();
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.GetProperty("token").GetString()!;
    }

    private async Task AdminPostAsync(Uri url, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", settings.AdminKey);
        using var response = await client.SendAsync(request);
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"{url.AbsolutePath}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }
}
