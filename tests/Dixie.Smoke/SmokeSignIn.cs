using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Dixie.Smoke;

/// <summary>Signing in to the deployment under test with the Hardhat #0 key, as a wallet would.</summary>
public static class SmokeSignIn
{
    // The EIP-4361 domain: the deployment's own authority unless the operator says otherwise.
    private static readonly string Domain = Environment.GetEnvironmentVariable("DIXIE_SMOKE_SIWE_DOMAIN") is { Length: > 0 } domain
        ? domain : SmokeTarget.BaseUrl.Authority;

    /// <summary>A message carrying a fresh nonce from the service, ready to sign.</summary>
    public static async Task<string> NewMessageAsync(HttpClient client)
    {
        using var nonce = JsonDocument.Parse(await client.GetStringAsync("/api/auth/nonce"));
        return new SiweText
        {
            Domain = Domain,
            Uri = SmokeTarget.BaseUrl.GetLeftPart(UriPartial.Authority),
            Nonce = nonce.RootElement.GetProperty("nonce").GetString()!,
            IssuedAt = DateTimeOffset.UtcNow,
        }.ToString();
    }

    /// <summary>A client that sends a fresh Hardhat #0 token.</summary>
    public static async Task<HttpClient> SignedInClientAsync()
    {
        var client = SmokeTarget.CreateClient();
        var message = await NewMessageAsync(client);
        using var response = await client.PostAsJsonAsync("/api/auth/siwe", new { message, signature = Hardhat.Account0.Sign(message) });
        response.EnsureSuccessStatusCode();
        using var session = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", session.RootElement.GetProperty("token").GetString());
        return client;
    }
}
