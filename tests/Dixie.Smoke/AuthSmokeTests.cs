using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Dixie.Smoke;

/// <summary>
/// smoke-auth: nonce → SIWE sign-in with the Hardhat #0 key (allowlisted by the deployment under
/// test) → a token the service verifies; a replay and a bad signature are refused; logout ends it.
/// </summary>
public sealed class AuthSmokeTests
{
    [Fact]
    public async Task Sign_in_verify_replay_and_logout()
    {
        using var client = SmokeTarget.CreateClient();
        var message = await SmokeSignIn.NewMessageAsync(client);
        var signature = Hardhat.Account0.Sign(message);

        using var signIn = await client.PostAsJsonAsync("/api/auth/siwe", new { message, signature });
        Assert.Equal(HttpStatusCode.OK, signIn.StatusCode);
        using var session = JsonDocument.Parse(await signIn.Content.ReadAsStringAsync());
        var token = session.RootElement.GetProperty("token").GetString()!;
        Assert.Equal(Hardhat.Account0.Address, session.RootElement.GetProperty("wallet").GetString());

        using (var verify = await SendAsync(client, HttpMethod.Get, "/api/auth/verify", token))
        {
            Assert.Equal(HttpStatusCode.OK, verify.StatusCode);
            using var verified = JsonDocument.Parse(await verify.Content.ReadAsStringAsync());
            Assert.Equal(Hardhat.Account0.Address, verified.RootElement.GetProperty("wallet").GetString());
        }

        // The nonce was consumed by the first sign-in.
        using (var replay = await client.PostAsJsonAsync("/api/auth/siwe", new { message, signature }))
            Assert.Equal(HttpStatusCode.Unauthorized, replay.StatusCode);

        using (var logout = await SendAsync(client, HttpMethod.Post, "/api/auth/logout", token))
            Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
        using (var afterLogout = await SendAsync(client, HttpMethod.Get, "/api/auth/verify", token))
            Assert.Equal(HttpStatusCode.Unauthorized, afterLogout.StatusCode);
    }

    [Fact]
    public async Task Invalid_signature_is_refused()
    {
        using var client = SmokeTarget.CreateClient();
        var message = await SmokeSignIn.NewMessageAsync(client);
        // A valid signature by another account over the same message.
        using var response = await client.PostAsJsonAsync("/api/auth/siwe", new { message, signature = Hardhat.Account1.Sign(message) });
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("invalid_signature", JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetString());
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, HttpMethod method, string path, string token)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await client.SendAsync(request);
    }
}
