using System.Net.Http.Json;
using System.Text.Json;

namespace Dixie.Bff.Tests.Support;

/// <summary>Drives a finn-emulator through its `/_emulator/*` endpoints (spec 11 §7.3, §8).</summary>
public sealed class EmulatorAdmin(string baseUrl)
{
    private readonly HttpClient _http = DixieHost.CreateClient(new Uri(baseUrl.TrimEnd('/') + "/"));

    public string BaseUrl { get; } = baseUrl.TrimEnd('/');

    public async Task SetFaultAsync(string mode, int? status = null, string? path = null, int? count = null, int? delayMs = null)
    {
        var body = new Dictionary<string, object?> { ["mode"] = mode };
        if (status is not null) body["status"] = status;
        if (path is not null) body["path"] = path;
        if (count is not null) body["count"] = count;
        if (delayMs is not null) body["delayMs"] = delayMs;
        var response = await _http.PostAsJsonAsync("_emulator/faults", body);
        response.EnsureSuccessStatusCode();
    }

    public Task ClearFaultsAsync() => SetFaultAsync("none");

    /// <summary>Requests seen since start or reset for one `"<METHOD> <route template>"` key.</summary>
    public async Task<int> CounterAsync(string key)
    {
        var counters = JsonDocument.Parse(await _http.GetStringAsync("_emulator/counters")).RootElement;
        return counters.TryGetProperty(key, out var value) ? value.GetInt32() : 0;
    }

    /// <summary>The recorded HTTP requests whose path starts with the prefix, oldest first.</summary>
    public async Task<IReadOnlyList<JsonElement>> RequestsAsync(string pathPrefix)
    {
        var body = JsonDocument.Parse(await _http.GetStringAsync($"_emulator/requests?kind=http&path={Uri.EscapeDataString(pathPrefix)}")).RootElement;
        return [.. body.GetProperty("requests").EnumerateArray()];
    }

    public async Task ResetAsync() => (await _http.PostAsync("_emulator/reset", null)).EnsureSuccessStatusCode();
}
