using System.Text.Json;
using Dixie.Bff.Infrastructure.Finn;
using Dixie.Bff.Infrastructure.Http;

namespace Dixie.Bff.Features.Agents;

/// <summary>
/// `GET /api/agent/knowledge` (spec 07 §2.6): finn's metadata passed through, or — on any failure —
/// the empty corpus with a warning, so agents can always read the shape.
/// </summary>
public static class AgentKnowledgeEndpoint
{
    private static readonly AgentKnowledge Empty = new(JsonDocument.Parse("[]").RootElement.Clone(), JsonDocument.Parse("0").RootElement.Clone());

    public static async Task<IResult> HandleAsync(HttpContext context, FinnClient finn, ILogger<AgentKnowledge> logger, CancellationToken ct)
    {
        string reason;
        try
        {
            // A 404 is an answer (finn does not serve the path), not a breaker failure.
            var response = await finn.SendAsync(FinnOperation.KnowledgeMetadata, "api/knowledge/metadata", null,
                FinnAgentJson.Default.FinnKnowledgeMetadata, new FinnCallContext(context.TraceIdentifier, context.ClientIp()?.ToString()), ct,
                answeredStatus: StatusCodes.Status404NotFound);
            if (response.Value is { } metadata)
                return TypedResults.Json(new AgentKnowledge(metadata.Domains, metadata.TotalDocuments), AgentJson.Wire.AgentKnowledge);
            reason = $"http {response.Status}";
        }
        catch (FinnCallException failure)
        {
            reason = failure.Kind.ToString().ToLowerInvariant();
        }
        AgentLog.KnowledgeFallback(logger, reason);
        return TypedResults.Json(Empty, AgentJson.Wire.AgentKnowledge);
    }
}
