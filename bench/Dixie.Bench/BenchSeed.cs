using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Dixie.Bench;

/// <summary>
/// The data every scenario starts from (spec 13 §1.1): a signed-in Hardhat #0 token, 1 000
/// reputation aggregates, and the files of single-use bodies (signed SIWE messages, event batches).
/// </summary>
public sealed class BenchSeed(BenchSettings settings, HttpClient client)
{
    public const int SeededAgents = 1000;

    public static string SeededAgent(int index) => $"bench-{index:D4}";

    public async Task<string> SignInAsync()
    {
        var bodies = await SignedMessagesAsync(1);
        using var response = await client.PostAsync("/api/auth/siwe", new StringContent(bodies[0], Encoding.UTF8, "application/json"));
        response.EnsureSuccessStatusCode();
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.GetProperty("token").GetString()!;
    }

    public async Task SeedAggregatesAsync()
    {
        for (var start = 0; start < SeededAgents; start += 100)
        {
            var batch = Enumerable.Range(start, 100).Select(i => QualitySignal(SeededAgent(i), 0.5 + (i % 50) / 100.0)).ToArray();
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/reputation/events") { Content = JsonContent.Create(batch) };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", settings.AdminKey);
            using var response = await client.SendAsync(request);
            if (!response.IsSuccessStatusCode)
                throw new InvalidOperationException($"seeding reputation failed: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
    }

    /// <summary>
    /// `{message, signature}` bodies for Hardhat #0, each with its own server-issued nonce. Nonces are
    /// requested from distinct forwarded addresses (the bench stack trusts 127.0.0.1 as a proxy) so the
    /// per-IP cap of 20 outstanding nonces does not limit the pre-issue.
    /// </summary>
    public async Task<string[]> SignedMessagesAsync(int count, int round = 0)
    {
        var bodies = new string[count];
        var domain = settings.BaseUrl.Authority;
        var uri = settings.BaseUrl.GetLeftPart(UriPartial.Authority);
        await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/auth/nonce");
            request.Headers.TryAddWithoutValidation("X-Forwarded-For", $"172.{16 + round % 16}.{i / 20 / 256 % 256}.{i / 20 % 256}");
            using var response = await client.SendAsync(request, ct);
            response.EnsureSuccessStatusCode();
            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
            var message = new SiweText { Domain = domain, Uri = uri, Nonce = json.RootElement.GetProperty("nonce").GetString()!, IssuedAt = DateTimeOffset.UtcNow }.ToString();
            bodies[i] = JsonSerializer.Serialize(new { message, signature = Hardhat.Account0.Sign(message) });
        });
        return bodies;
    }

    /// <summary>Batches of 100 new quality signals over 10 agents each, as JSON array lines.</summary>
    public static IEnumerable<string> EventBatches(string prefix, int batches) =>
        Enumerable.Range(0, batches).Select(b => JsonSerializer.Serialize(
            Enumerable.Range(0, 100).Select(i => QualitySignal($"{prefix}-{b % 50:D2}-{i % 10}", 0.3 + i % 7 / 10.0))));

    private static Dictionary<string, object> QualitySignal(string agent, double score) => new()
    {
        ["type"] = "quality_signal",
        ["event_id"] = Guid.NewGuid().ToString(),
        ["agent_id"] = agent,
        ["collection_id"] = "bench",
        ["timestamp"] = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture),
        ["score"] = score,
    };
}
