using System.Text.Json;
using System.Text.Json.Serialization;
using Dixie.FinnEmulator.Faults;
using Dixie.FinnEmulator.Hosting;
using Dixie.FinnEmulator.Pipeline;
using Dixie.FinnEmulator.Replies;

namespace Dixie.FinnEmulator.Agent;

/// <summary>
/// The four endpoints spec 07 expects and real loa-finn does not serve (spec 11 §6). Strict mode
/// leaves them unmapped, so they answer finn's plain-text 404.
/// </summary>
public static class AgentApi
{
    public const string Model = "claude-sonnet-4-6";

    private static readonly byte[] KnowledgeMetadata = """
        {"domains":[{"name":"berachain","documentCount":8,"lastUpdated":"2026-01-01T00:00:00.000Z"},{"name":"defi","documentCount":5,"lastUpdated":"2026-01-01T00:00:00.000Z"},{"name":"governance","documentCount":4,"lastUpdated":"2026-01-01T00:00:00.000Z"},{"name":"honey-jar","documentCount":2,"lastUpdated":"2026-01-01T00:00:00.000Z"},{"name":"bera-ecosystem","documentCount":1,"lastUpdated":"2026-01-01T00:00:00.000Z"}],"totalDocuments":20}
        """u8.ToArray();

    public static RouteGroupBuilder MapAgent(this RouteGroupBuilder finn)
    {
        finn.MapPost("/api/auth/verify-tba", VerifyTba.HandleAsync);
        finn.MapGet("/api/conviction/{wallet}/staking", ConvictionApi.StakingAsync);
        finn.MapPost("/api/chat", ChatAsync).CarriesText();
        finn.MapGet("/api/knowledge/metadata", (HttpContext context) => FinnResponses.WriteRawJsonAsync(context, 200, KnowledgeMetadata));
        return finn;
    }

    private static async Task ChatAsync(HttpContext context)
    {
        string? message;
        int? maxTokens = null;
        using (var body = JsonBody.ParseObject(BufferedBody.Of(context).Bytes))
        {
            message = JsonBody.NonBlankString(body, "message");
            if (body is not null && body.RootElement.TryGetProperty("maxTokens", out var max)
                && max.ValueKind == JsonValueKind.Number && max.TryGetInt32(out var cap) && cap >= 1)
            {
                maxTokens = cap;
            }
        }
        if (message is null)
        {
            await FinnResponses.InvalidRequestAsync(context);
            return;
        }
        if (FaultDirective.TryFindInText(message, out var directive, out var valid))
        {
            if (!valid)
            {
                await HttpFaults.WriteInvalidAsync(context);
                return;
            }
            if (await HttpFaults.ApplyAsync(context, directive))
            {
                return;
            }
        }
        var response = Reply.For(message);
        var output = Reply.Tokens(response);
        var answer = new AgentAnswer(response, Model, Reply.Tokens(message), maxTokens is { } m ? Math.Min(output, m) : output,
            [new AgentSource("src-" + Reply.Digest(message)[..8], "Emulated source", 0.9)]);
        await FinnResponses.WriteJsonAsync(context, 200, answer, EmulatorJsonContext.Default.AgentAnswer);
    }
}

public sealed record AgentAnswer(
    string Response,
    string Model,
    [property: JsonPropertyName("input_tokens")] int InputTokens,
    [property: JsonPropertyName("output_tokens")] int OutputTokens,
    AgentSource[] Sources);

public sealed record AgentSource(string Id, string Title, double Relevance);
