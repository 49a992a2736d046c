using Dixie.Bff.Features.Agents.Conviction;
using Dixie.Bff.Infrastructure.Configuration;
using Dixie.Bff.Infrastructure.Finn;
using Dixie.Bff.Infrastructure.Http;

namespace Dixie.Bff.Features.Agents;

/// <summary>
/// `/api/agent/*` (spec 07 §2). The pipeline has applied the body limit, the general rate limit and
/// the allowlist gate; each route's <see cref="AgentGate"/> adds TBA authentication, the owner's tier
/// and the per-TBA limit. `/self-knowledge`, `/knowledge/priorities[/vote]` and `/schedule` are out of
/// scope and deliberately unmapped (404).
/// </summary>
public static class AgentApi
{
    public const string ArchitectRequired = "Architect conviction tier or higher required";
    public const string ArchitectRequiredForApi = "Architect conviction tier or higher required for agent API";

    public static RouteGroupBuilder MapAgents(this IEndpointRouteBuilder app)
    {
        var agent = app.MapGroup("/api/agent").WithTags("agent").AddOpenApiOperationTransformer(AgentOpenApi.AddTbaHeadersAsync);
        agent.MapGet("/capabilities", (HttpContext context, DixieConfig config) =>
                TypedResults.Json(Capabilities(AgentOwner.Of(context).Conviction.ModelPool, config.Access), AgentJson.Wire.AgentCapabilities))
            .AddEndpointFilter(new AgentGate(ArchitectRequired))
            .WithAgentErrors()
            .Produces<AgentCapabilities>()
            .WithSummary("What the oracle offers an agent (architect+ owner)");
        agent.MapPost("/query", AgentQueryEndpoint.HandleAsync)
            .AddEndpointFilter(new AgentGate(ArchitectRequiredForApi))
            .WithAgentErrors()
            .Accepts<AgentQueryBodyDoc>("application/json")
            .Produces<AgentQueryResponse>()
            .Produces<ApiError>(StatusCodes.Status400BadRequest)
            .Produces<ApiError>(StatusCodes.Status402PaymentRequired)
            .Produces<ApiError>(StatusCodes.Status415UnsupportedMediaType)
            .Produces<ApiError>(StatusCodes.Status502BadGateway)
            .WithSummary("Query the oracle as a token-bound account; cost and mock receipt in body and headers");
        agent.MapGet("/knowledge", AgentKnowledgeEndpoint.HandleAsync)
            .AddEndpointFilter(new AgentGate(ArchitectRequired))
            .WithAgentErrors()
            .Produces<AgentKnowledge>()
            .WithSummary("Knowledge corpus metadata (empty when finn cannot say)");
        return agent;
    }

    public static AgentCapabilities Capabilities(string modelPool, AccessSettings access) => new(
        "the-honey-jar-oracle",
        ["berachain", "defi", "governance", "honey-jar", "bera-ecosystem"],
        ["text", "json", "structured"],
        modelPool,
        [
            new("knowledge_query", "Query the Oracle knowledge corpus", 50),
            new("session_context", "Multi-turn conversation with context", 100),
            new("structured_analysis", "Structured JSON analysis output", 150),
        ],
        new(access.AgentRateLimitPerMinute, access.AgentRateLimitPerDay),
        new(10, 3));

    private static RouteHandlerBuilder WithAgentErrors(this RouteHandlerBuilder route) => route
        .Produces<ApiError>(StatusCodes.Status401Unauthorized)
        .Produces<ConvictionDenialError>(StatusCodes.Status403Forbidden)
        .Produces<RateLimitedError>(StatusCodes.Status429TooManyRequests)
        .Produces<FinnErrorBody>(StatusCodes.Status503ServiceUnavailable);
}

/// <summary>The query body as OpenAPI documents it; the handler reads the JSON itself to check each field in order.</summary>
public sealed record AgentQueryBodyDoc(string Query, int? MaxTokens, string? SessionId, string? KnowledgeDomain, string? Format, long? MaxCostMicroUsd);
