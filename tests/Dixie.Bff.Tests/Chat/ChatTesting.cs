using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Dixie.Bff.Features.Auth;
using Dixie.Bff.Tests.Allowlist;
using Dixie.Bff.Tests.Support;
using Npgsql;

namespace Dixie.Bff.Tests.Chat;

/// <summary>
/// A dixie host with its own emulator whose allowlist lists Hardhat #0, two random wallets and one API
/// key; callers are real credentials (issued tokens, a listed key).
/// </summary>
public sealed class ChatHostFixture : IAsyncLifetime
{
    public const string FinnToken = "finn-test-token-0123456789";
    public static readonly string WalletA = AllowlistTesting.Hardhat0;
    public static readonly string WalletB = AllowlistTesting.NewWallet();
    public static readonly string WalletC = AllowlistTesting.NewWallet();
    public static readonly string ApiKey = TestEnvironment.NewApiKey();

    public TestEmulator Emulator { get; private set; } = null!;
    public DixieHost Host { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Emulator = await TestEmulator.StartAsync();
        Host = await ChatTesting.StartHostAsync(Emulator.BaseUrl, [WalletA, WalletB, WalletC], ApiKey,
            new() { ["DIXIE_FINN_AUTH_TOKEN"] = FinnToken });
    }

    public async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        await Emulator.DisposeAsync();
    }

    public HttpClient Wallet(string wallet) => ChatTesting.Client(Host, Host.Get<TokenIssuer>().Issue(wallet).Token);

    public HttpClient Key() => ChatTesting.Client(Host, ApiKey);
}

internal static class ChatTesting
{
    public const string Berachain = "Hello, what is Berachain?";
    public const string BerachainReply = "Emulated reply [986c1428cb2bd8eb]: Hello, what is Berachain?";

    public static async Task<DixieHost> StartHostAsync(string finnUrl, IEnumerable<string> wallets, string apiKey,
        Dictionary<string, string?>? environment = null, string? databaseUrl = null)
    {
        var path = AllowlistTesting.NewPath();
        AllowlistTesting.Write(path, AllowlistTesting.FileWith(wallets, [AllowlistTesting.Digest(apiKey)]));
        var options = new DixieHostOptions
        {
            FinnUrl = finnUrl,
            DatabaseUrl = databaseUrl,
            Environment = { ["DIXIE_ALLOWLIST_PATH"] = path, ["DIXIE_RATE_LIMIT_RPM"] = "1000000" },
        };
        foreach (var (name, value) in environment ?? []) options.Environment[name] = value;
        return await DixieHost.StartAsync(options);
    }

    public static HttpClient Client(DixieHost host, string bearer)
    {
        var client = DixieHost.CreateClient(host.BaseUrl);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        return client;
    }

    public static Task<HttpResponseMessage> ChatAsync(this HttpClient client, string prompt, string? sessionId = null, CancellationToken ct = default) =>
        client.PostAsJsonAsync("/api/chat", sessionId is null ? new { prompt } : (object)new { prompt, sessionId }, ct);

    public static async Task<JsonElement> JsonAsync(this HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

    /// <summary>A successful turn's reply body.</summary>
    public static async Task<JsonElement> TurnAsync(this HttpClient client, string prompt, string? sessionId = null)
    {
        using var response = await client.ChatAsync(prompt, sessionId);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"chat answered {(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement;
    }

    public static async Task<long> InteractionSignalsAsync(DixieHost host, string sessionId)
    {
        await using var connection = new NpgsqlConnection(host.Environment["DATABASE_URL"]);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT count(*) FROM event_outbox WHERE subject = 'dixie.signal.interaction' AND payload->'data'->>'session_id' = @id", connection);
        command.Parameters.AddWithValue("id", sessionId);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
