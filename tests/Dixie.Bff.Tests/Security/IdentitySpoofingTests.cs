using System.Net;
using System.Text;
using System.Text.Json;
using Dixie.Bff.Infrastructure.Http;
using Dixie.Bff.Tests.Chat;
using Dixie.Bff.Tests.Fuzz;

namespace Dixie.Bff.Tests.Security;

/// <summary>
/// Spec 13 §3 "Identity spoofing" and D3: `X-Wallet-Address`, `x-conviction-tier`, `x-agent-owner`
/// and `x-operator-id` from a client change nothing — on every mapped route, and where an identity
/// is used (session ownership, what finn is told).
/// </summary>
[Trait("Category", "Security")]
public sealed class IdentitySpoofingTests(ChatHostFixture fixture) : IClassFixture<ChatHostFixture>
{
    private static readonly string Claimed = ChatHostFixture.WalletA;

    private static void Spoof(HttpRequestMessage request)
    {
        request.Headers.TryAddWithoutValidation("X-Wallet-Address", Claimed);
        request.Headers.TryAddWithoutValidation("x-conviction-tier", "sovereign");
        request.Headers.TryAddWithoutValidation("x-agent-owner", Claimed);
        request.Headers.TryAddWithoutValidation("x-operator-id", Claimed);
    }

    [Theory]
    [InlineData("X-Wallet-Address")]
    [InlineData("x-wallet-address")]
    [InlineData("X-Conviction-Tier")]
    [InlineData("x-agent-owner")]
    [InlineData("X-Operator-Id")]
    [InlineData("x-memory-context")]
    [InlineData("x-model-pool")]
    public void Identity_headers_are_stripped_on_ingress(string name) => Assert.True(IngressHeaderStripping.IsIdentityHeader(name));

    [Theory]
    [InlineData("Authorization")]
    [InlineData("X-Request-Id")]
    [InlineData("x-tba-signature")]
    public void Credential_and_tracing_headers_are_kept(string name) => Assert.False(IngressHeaderStripping.IsIdentityHeader(name));

    [Fact]
    public async Task Spoofed_headers_change_no_answer_on_any_route()
    {
        var endpoints = EndpointCatalog.Of(fixture.Host.App.Services).Where(e => !e.IsWebSocket && e.Method != "HEAD").ToList();
        var differences = new List<string>();
        foreach (var endpoint in endpoints)
        {
            foreach (var caller in new[] { "anonymous", "key", "wallet" })
            {
                var plain = await SendAsync(endpoint, caller, spoof: false);
                var spoofed = await SendAsync(endpoint, caller, spoof: true);
                if (plain != spoofed) differences.Add($"{endpoint} as {caller}: {plain} vs {spoofed}");
            }
        }
        Assert.True(differences.Count == 0, string.Join('\n', differences));
    }

    [Fact]
    public async Task An_api_key_claiming_a_wallet_stays_the_key()
    {
        using var key = fixture.Key();
        using var request = ChatRequest("spoofing a wallet with a key");
        Spoof(request);
        using var response = await key.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var sessionId = (await response.JsonAsync()).GetProperty("sessionId").GetString()!;

        var sent = (await fixture.Emulator.Admin.RequestsAsync($"/api/sessions/{sessionId}/message")).Single();
        Assert.False(sent.GetProperty("headers").TryGetProperty("x-wallet-address", out _));
        using var claimedWallet = fixture.Wallet(Claimed);
        Assert.DoesNotContain(sessionId, await SessionIdsAsync(claimedWallet));
        Assert.Contains(sessionId, await SessionIdsAsync(key));
    }

    [Fact]
    public async Task A_wallet_claiming_another_wallet_stays_itself()
    {
        using var walletB = fixture.Wallet(ChatHostFixture.WalletB);
        using var request = ChatRequest("spoofing another wallet");
        Spoof(request);
        using var response = await walletB.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var sessionId = (await response.JsonAsync()).GetProperty("sessionId").GetString()!;

        var sent = (await fixture.Emulator.Admin.RequestsAsync($"/api/sessions/{sessionId}/message")).Single();
        Assert.Equal(ChatHostFixture.WalletB, sent.GetProperty("headers").GetProperty("x-wallet-address").GetString());
        using var claimedWallet = fixture.Wallet(Claimed);
        Assert.DoesNotContain(sessionId, await SessionIdsAsync(claimedWallet));

        using var verify = new HttpRequestMessage(HttpMethod.Get, "/api/auth/verify");
        Spoof(verify);
        var verified = await (await walletB.SendAsync(verify)).JsonAsync();
        Assert.Equal(ChatHostFixture.WalletB, verified.GetProperty("wallet").GetString());
    }

    private static HttpRequestMessage ChatRequest(string prompt) =>
        new(HttpMethod.Post, "/api/chat") { Content = new StringContent(JsonSerializer.Serialize(new { prompt }), Encoding.UTF8, "application/json") };

    private static async Task<List<string>> SessionIdsAsync(HttpClient client) =>
        [.. (await (await client.GetAsync("/api/sessions?limit=100")).JsonAsync()).GetProperty("sessions").EnumerateArray().Select(s => s.GetProperty("id").GetString()!)];

    /// <summary>What a spoofed header could change: the status, the error code, the conviction tier answered.</summary>
    private async Task<string> SendAsync(FuzzEndpoint endpoint, string caller, bool spoof)
    {
        using var client = caller switch
        {
            "key" => fixture.Key(),
            "wallet" => fixture.Wallet(ChatHostFixture.WalletC),
            _ => Dixie.Bff.Tests.Support.DixieHost.CreateClient(fixture.Host.BaseUrl),
        };
        using var request = new HttpRequestMessage(new HttpMethod(endpoint.Method), endpoint.PathWith(_ => "x"));
        if (endpoint.Method is not "GET") request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
        if (spoof) Spoof(request);
        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        var error = (int)response.StatusCode >= 400 && text.StartsWith('{') && JsonDocument.Parse(text).RootElement.TryGetProperty("error", out var e) ? e.GetString() : null;
        var tier = response.Headers.TryGetValues("X-Conviction-Tier", out var values) ? string.Join(",", values) : "-";
        return $"{(int)response.StatusCode} {error ?? "-"} tier={tier}";
    }
}
