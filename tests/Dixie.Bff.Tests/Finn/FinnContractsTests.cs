using System.Text.Json;
using Dixie.Bff.Features.Agents;
using Dixie.Bff.Infrastructure.Finn;

namespace Dixie.Bff.Tests.Finn;

/// <summary>2xx bodies from finn whose shape breaks spec 05 §2.2 / 07 §2.5: malformed (a breaker failure, 502), never a 500.</summary>
public sealed class FinnContractsTests
{
    [Theory]
    [InlineData("""{"response":"hi"}""", true)]
    [InlineData("""{"response":"hi","toolCalls":null}""", true)]
    [InlineData("""{"response":null}""", false)]
    [InlineData("""{"response":"hi","toolCalls":[{"args":{}}]}""", false)]
    public void Message_replies_need_a_string_response(string json, bool wellFormed)
    {
        var reply = JsonSerializer.Deserialize(json, FinnJson.Default.FinnMessageReply)!;
        Assert.Equal(wellFormed, ((IFinnReply)reply).IsWellFormed);
    }

    [Theory]
    [InlineData("0.5", true)]
    [InlineData("1e400", false)]
    public void Agent_answer_sources_need_a_finite_relevance(string relevance, bool wellFormed)
    {
        var json = $$"""{"response":"r","model":"m","input_tokens":1,"output_tokens":1,"sources":[{"id":"a","title":"b","relevance":{{relevance}}}]}""";
        var answer = JsonSerializer.Deserialize(json, FinnAgentJson.Default.FinnAgentAnswer)!;
        Assert.Equal(wellFormed, ((IFinnReply)answer).IsWellFormed);
    }
}
