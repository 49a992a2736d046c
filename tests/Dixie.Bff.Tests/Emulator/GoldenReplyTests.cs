using System.Net;
using Dixie.FinnEmulator.Replies;

namespace Dixie.Bff.Tests.Emulator;

public sealed class GoldenReplyTests
{
    public static TheoryData<string, string, string[]> Rows => new()
    {
        {
            "Hello, what is Berachain?", "986c1428cb2bd8eb",
            ["Emulated reply [", "986c1428cb2bd8eb", "]: Hello, what i", "s Berachain?"]
        },
        {
            "please use tool now", "d227d6ea88ee5dbd",
            ["Emulated reply [", "d227d6ea88ee5dbd", "]: please use to", "ol now"]
        },
        {
            "Tell me about BGT.", "fe86818e8fb25343",
            ["Emulated reply [", "fe86818e8fb25343", "]: Tell me about", " BGT."]
        },
    };

    [Theory]
    [MemberData(nameof(Rows))]
    public async Task Golden_replies(string text, string digest, string[] pieces)
    {
        var reply = $"Emulated reply [{digest}]: {text}";
        Assert.Equal(digest, Reply.Digest(text));
        Assert.Equal(reply, Reply.For(text));
        Assert.Equal(pieces, Reply.Pieces(reply));

        await using var finn = await EmulatorFixture.StartAsync();
        var id = await finn.CreateSessionAsync();
        using var response = await finn.PostJsonAsync($"/api/sessions/{id}/message", $$"""{"text":"{{text}}"}""");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = await EmulatorFixture.ReadJsonAsync(response);
        Assert.Equal(reply, body.RootElement.GetProperty("response").GetString());
        var toolCalls = body.RootElement.GetProperty("toolCalls");
        if (text.Contains("use tool", StringComparison.Ordinal))
        {
            var call = Assert.Single(toolCalls.EnumerateArray());
            Assert.Equal("echo_tool", call.GetProperty("name").GetString());
            Assert.Equal(text, call.GetProperty("args").GetProperty("input").GetString());
            Assert.Equal(digest, call.GetProperty("result").GetString());
        }
        else
        {
            Assert.Empty(toolCalls.EnumerateArray());
        }

        var streamed = await WebSocketClient.TurnDeltasAsync(finn, id, text);
        Assert.Equal(pieces, streamed);
    }

    [Fact]
    public void Lengths_and_tokens_match_the_golden_table()
    {
        Assert.Equal(60, Reply.For("Hello, what is Berachain?").Length);
        Assert.Equal(53, Reply.For("Tell me about BGT.").Length);
        Assert.Equal(5, Reply.Tokens("Tell me about BGT."));
        Assert.Equal(14, Reply.Tokens(Reply.For("Tell me about BGT.")));
        Assert.True(Reply.TriggersTool("Please USE TOOL"));
        Assert.False(Reply.TriggersTool("use  tool"));
    }

    [Fact]
    public void A_piece_never_ends_on_a_high_surrogate()
    {
        var reply = new string('a', 15) + "\U0001F600" + "bc";
        var pieces = Reply.Pieces(reply);
        Assert.Equal([new string('a', 15), "\U0001F600bc"], pieces);
        Assert.Equal(reply, string.Concat(pieces));
    }
}
