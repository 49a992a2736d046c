using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dixie.Bff.Features.Auth;
using Dixie.Bff.Infrastructure.Configuration;
using Dixie.Bff.Tests.Allowlist;
using Dixie.Bff.Tests.Support;
using Npgsql;

namespace Dixie.Bff.Tests.Reputation;

/// <summary>
/// A dixie host on a database of its own whose allowlist lists one wallet and one API key. Tests share it
/// and use their own agent ids; tests that need a whole database (population, governor) start their own.
/// </summary>
public sealed class ReputationHostFixture : IAsyncLifetime
{
    public static readonly string Wallet = AllowlistTesting.NewWallet();
    public static readonly string ApiKey = TestEnvironment.NewApiKey();

    public DixieHost Host { get; private set; } = null!;
    public HttpClient Admin { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Host = await StartAsync();
        Admin = Client(Host, TestEnvironment.AdminKey);
    }

    public async Task DisposeAsync()
    {
        Admin.Dispose();
        await Host.DisposeAsync();
    }

    public static async Task<DixieHost> StartAsync(string? databaseUrl = null, Action<Microsoft.Extensions.DependencyInjection.IServiceCollection>? services = null,
        List<System.Diagnostics.Activity>? spans = null)
    {
        var path = AllowlistTesting.NewPath();
        AllowlistTesting.Write(path, AllowlistTesting.FileWith([Wallet], [AllowlistTesting.Digest(ApiKey)]));
        return await DixieHost.StartAsync(new DixieHostOptions
        {
            DatabaseUrl = databaseUrl,
            ConfigureServices = services,
            ExportedSpans = spans,
            Environment = { ["DIXIE_ALLOWLIST_PATH"] = path, ["DIXIE_RATE_LIMIT_RPM"] = "1000000" },
        });
    }

    public static HttpClient Client(DixieHost host, string? bearer)
    {
        var client = DixieHost.CreateClient(host.BaseUrl);
        if (bearer is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        return client;
    }

    public HttpClient WalletClient() => Client(Host, Host.Get<TokenIssuer>().Issue(Wallet).Token);
}

/// <summary>HTTP and SQL helpers of the reputation integration suites.</summary>
public static class ReputationHttp
{
    public static Task<HttpResponseMessage> PostEventsAsync(this HttpClient admin, JsonNode body) =>
        admin.PostAsync("/api/reputation/events", new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"));

    public static Task<JsonElement> IngestAsync(this HttpClient admin, params JsonObject[] events) => admin.IngestAsync(null, events);

    /// <summary>
    /// Ingests and adds the request's trace id (from the `traceparent` response header) to
    /// <paramref name="traces"/>: span listeners are process-wide, so a test counting spans keeps to its own traces.
    /// </summary>
    public static async Task<JsonElement> IngestAsync(this HttpClient admin, ISet<string>? traces, params JsonObject[] events)
    {
        using var response = await admin.PostEventsAsync(events.Length == 1 ? events[0].DeepClone() : new JsonArray([.. events.Select(e => (JsonNode)e.DeepClone())]));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        traces?.Add(response.Headers.GetValues("traceparent").Single().Split('-')[1]);
        return JsonDocument.Parse(text).RootElement;
    }

    public static async Task<string> QueryTextAsync(this HttpClient client, string routingKey)
    {
        using var response = await client.GetAsync("/api/reputation/query?routingKey=" + Uri.EscapeDataString(routingKey));
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    public static async Task<double?> ScoreAsync(this HttpClient client, string agent)
    {
        var body = JsonDocument.Parse(await client.QueryTextAsync("nft:" + agent)).RootElement.GetProperty("score");
        return body.ValueKind == JsonValueKind.Null ? null : body.GetDouble();
    }

    public static async Task<JsonElement> JsonAsync(this HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

    public static async Task<object?> ScalarAsync(this DixieHost host, string sql, params (string Name, object Value)[] parameters)
    {
        await using var command = host.Get<NpgsqlDataSource>().CreateCommand(sql);
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value);
        return await command.ExecuteScalarAsync();
    }

    public static string ConnectionString(this DixieHost host) => host.Get<DixieConfig>().Data.DatabaseConnectionString;
}
