using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using Dixie.Bff.Features.Auth;
using Dixie.Bff.Features.Fleet;
using Dixie.Bff.Tests.Allowlist;
using Dixie.Bff.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Dixie.Bff.Tests.Fleet;

/// <summary>Tiers pinned per wallet; wallets not pinned fall back to the product resolver's table with architect.</summary>
public sealed class PinnedTiers : IFleetTiers
{
    private static readonly FleetTier[] Table =
    [
        new("observer", 0, 0, 0), new("participant", 1, 1, 0), new("builder", 2, 100, 1), new("architect", 3, 1000, 3), new("sovereign", 4, 10000, 10),
    ];

    public ConcurrentDictionary<string, string> Pinned { get; } = new(StringComparer.OrdinalIgnoreCase);

    public IReadOnlyList<FleetTier> All => Table;

    public Task<FleetTier> ResolveAsync(string wallet, CancellationToken ct) =>
        Task.FromResult(Table.Single(t => t.Name == (Pinned.TryGetValue(wallet, out var name) ? name : "architect")));
}

internal static class FleetTesting
{
    public static string AgentPath
    {
        get
        {
            var path = Path.Combine(AppContext.BaseDirectory, "Fleet", "fake-agent");
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute);
            return path;
        }
    }

    /// <summary>A host with the fake agent, a 1 s monitor interval and a 1 s grace; the wallets are allowlisted.</summary>
    public static async Task<DixieHost> StartHostAsync(IEnumerable<string> wallets, PinnedTiers? tiers = null,
        Dictionary<string, string?>? environment = null, string? databaseUrl = null, Action<IServiceCollection>? services = null,
        List<System.Diagnostics.Activity>? spans = null)
    {
        var path = AllowlistTesting.NewPath();
        AllowlistTesting.Write(path, AllowlistTesting.FileWith(wallets, []));
        var options = new DixieHostOptions
        {
            DatabaseUrl = databaseUrl,
            ExportedSpans = spans,
            Environment =
            {
                ["DIXIE_ALLOWLIST_PATH"] = path,
                ["DIXIE_RATE_LIMIT_RPM"] = "1000000",
                ["DIXIE_FLEET_AGENT_COMMAND"] = AgentPath,
                ["DIXIE_FLEET_MONITOR_INTERVAL_SECONDS"] = "1",
                ["DIXIE_FLEET_STOP_GRACE_SECONDS"] = "1",
            },
            ConfigureServices = s =>
            {
                if (tiers is not null) s.AddSingleton<IFleetTiers>(tiers);
                services?.Invoke(s);
            },
        };
        foreach (var (name, value) in environment ?? []) options.Environment[name] = value;
        return await DixieHost.StartAsync(options);
    }

    public static HttpClient Wallet(this DixieHost host, string wallet) => Bearer(host, host.Get<TokenIssuer>().Issue(wallet).Token);

    public static HttpClient Admin(this DixieHost host) => Bearer(host, TestEnvironment.AdminKey);

    public static HttpClient Bearer(DixieHost host, string bearer)
    {
        var client = DixieHost.CreateClient(host.BaseUrl);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        return client;
    }

    public static Task<HttpResponseMessage> SpawnAsync(this HttpClient client, string description, object? extra = null)
    {
        var body = new Dictionary<string, object?> { ["description"] = description, ["taskType"] = "bug_fix", ["repository"] = "octo/repo" };
        if (extra is not null)
        {
            foreach (var property in JsonSerializer.SerializeToElement(extra).EnumerateObject()) body[property.Name] = property.Value;
        }
        return client.PostAsJsonAsync("/api/fleet/spawn", body);
    }

    public static async Task<JsonElement> JsonAsync(this HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

    /// <summary>Spawns and returns the task id, asserting 201.</summary>
    public static async Task<Guid> SpawnedAsync(this HttpClient client, string description, object? extra = null)
    {
        using var response = await client.SpawnAsync(description, extra);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.Created, body);
        return JsonDocument.Parse(body).RootElement.GetProperty("taskId").GetGuid();
    }

    public static async Task<JsonElement> TaskAsync(this HttpClient client, Guid id)
    {
        using var response = await client.GetAsync($"/api/fleet/tasks/{id}");
        response.EnsureSuccessStatusCode();
        return await response.JsonAsync();
    }

    /// <summary>Waits until the task reaches <paramref name="status"/>.</summary>
    public static Task<JsonElement> StatusAsync(this HttpClient client, Guid id, string status, int seconds = 20) =>
        Eventually.ValueAsync(() => client.TaskAsync(id), task => task.GetProperty("status").GetString() == status,
            TimeSpan.FromSeconds(seconds), task => $"task stayed {task.GetProperty("status")}: {task}");

    public static async Task<T> QueryAsync<T>(this DixieHost host, string sql, object? args = null)
    {
        await using var connection = await host.Get<NpgsqlDataSource>().OpenConnectionAsync();
        return await connection.QuerySingleAsync<T>(sql, args);
    }

    public static async Task ExecuteAsync(this DixieHost host, string sql, object? args = null)
    {
        await using var connection = await host.Get<NpgsqlDataSource>().OpenConnectionAsync();
        await connection.ExecuteAsync(sql, args);
    }
}
