using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Dixie.Smoke;

/// <summary>smoke-chat: a conversation through the deployment to loa-finn, in JSON and as a stream.</summary>
public sealed class ChatSmokeTests
{
    [Fact]
    public async Task Prompt_and_follow_up_in_one_session()
    {
        using var client = await SmokeSignIn.SignedInClientAsync();
        using var first = await client.PostAsJsonAsync("/api/chat", new { prompt = "Hello, what is Berachain?" });
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        using var reply = JsonDocument.Parse(await first.Content.ReadAsStringAsync());
        var sessionId = reply.RootElement.GetProperty("sessionId").GetString()!;
        Assert.False(string.IsNullOrWhiteSpace(reply.RootElement.GetProperty("response").GetString()));

        using var second = await client.PostAsJsonAsync("/api/chat", new { prompt = "Tell me more", sessionId });
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        using var followUp = JsonDocument.Parse(await second.Content.ReadAsStringAsync());
        Assert.Equal(sessionId, followUp.RootElement.GetProperty("sessionId").GetString());
    }

    [Fact]
    public async Task Empty_prompt_is_400()
    {
        using var client = await SmokeSignIn.SignedInClientAsync();
        using var response = await client.PostAsJsonAsync("/api/chat", new { prompt = "" });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_request", JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Stream_yields_chunks_then_done()
    {
        using var client = await SmokeSignIn.SignedInClientAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/chat") { Content = JsonContent.Create(new { prompt = "Hello, stream please" }) };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var events = (await response.Content.ReadAsStringAsync()).Split('\n')
            .Where(line => line.StartsWith("event: ", StringComparison.Ordinal)).Select(line => line["event: ".Length..]).ToList();
        Assert.Contains("chunk", events);
        Assert.Equal("done", events[^1]);
        Assert.True(events.IndexOf("chunk") < events.Count - 1);
    }
}
