using System.Text.Json;
using Dixie.Bff.Features.Auth;
using Dixie.Bff.Tests.Allowlist;
using Dixie.Bff.Tests.Auth;
using Dixie.Bff.Tests.Infrastructure;
using Dixie.Bff.Tests.Support;

namespace Dixie.Bff.Tests.Fuzz;

/// <summary>
/// One service with every dependency up (shared PostgreSQL and Redis, the shared finn-emulator), an
/// allowlisted wallet and API key, limits out of the way, and the endpoint list read from the app.
/// </summary>
public sealed class FuzzHostFixture : IAsyncLifetime
{
    public static readonly string Wallet = AllowlistTesting.NewWallet();
    public static readonly string ApiKey = TestEnvironment.NewApiKey();

    public DixieHost Host { get; private set; } = null!;
    public HttpClient Client { get; private set; } = null!;
    public IReadOnlyList<FuzzEndpoint> Endpoints { get; private set; } = [];
    public FuzzInputs Inputs { get; private set; } = null!;
    public FuzzBodies Bodies { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var path = AllowlistTesting.NewPath();
        AllowlistTesting.Write(path, AllowlistTesting.FileWith([Wallet], [AllowlistTesting.Digest(ApiKey)]));
        Host = await DixieHost.StartAsync(new DixieHostOptions
        {
            Environment =
            {
                ["DIXIE_ALLOWLIST_PATH"] = path,
                ["REDIS_URL"] = (await SharedServers.GetAsync()).Redis.Url,
                ["DIXIE_REDIS_PREFIX"] = AuthHost.NewPrefix(),
                ["DIXIE_RATE_LIMIT_RPM"] = "1000000",
                ["DIXIE_REPUTATION_QUERY_RPM"] = "1000000",
                // Hostile input is logged at warn and below; debug lines for a thousand requests only cost time.
                ["LOG_LEVEL"] = "warn",
                // A configured runner, so fleet routes get past their 503 `runner_not_configured` (an
                // operator setting, not input) to the checks the fuzz is about; `true` exits at once.
                ["DIXIE_FLEET_AGENT_COMMAND"] = "/bin/true",
            },
        });
        Client = DixieHost.CreateClient(Host.BaseUrl);
        Client.Timeout = TimeSpan.FromSeconds(30);
        Endpoints = EndpointCatalog.Of(Host.App.Services);
        using var openApi = new HttpRequestMessage(HttpMethod.Get, "/openapi/v1.json");
        openApi.Headers.TryAddWithoutValidation("Authorization", "Bearer " + TestEnvironment.AdminKey);
        using var response = await Client.SendAsync(openApi);
        response.EnsureSuccessStatusCode();
        var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Inputs = FuzzInputs.FromOpenApi(document);
        Bodies = FuzzBodies.FromOpenApi(document);
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        await Host.DisposeAsync();
    }

    /// <summary>A fresh credential per request: a fuzzed logout may revoke the token it was sent with.</summary>
    public string? Credential(FuzzCaller caller) => caller switch
    {
        FuzzCaller.Wallet => Host.Get<TokenIssuer>().Issue(Wallet).Token,
        FuzzCaller.ApiKey => ApiKey,
        FuzzCaller.Admin => TestEnvironment.AdminKey,
        _ => null,
    };
}
