using System.Text.Json.Nodes;
using Dixie.Bff.Infrastructure.Http;
using Dixie.Bff.Infrastructure.Identity;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Dixie.Bff.Features.Reputation;

/// <summary>
/// `/api/reputation` (spec 06 §1). The pipeline has already done the gate work: the admin-key stage for
/// `/population` and `POST /events`, the allowlist gate (401, 403 not allowlisted) for the agent reads.
/// </summary>
public static class ReputationApi
{
    public static RouteGroupBuilder MapReputation(this IEndpointRouteBuilder app)
    {
        var reputation = app.MapGroup("/api/reputation").WithTags("reputation");
        reputation.MapGet("/query", QueryAsync)
            .Produces<ScoreResponse>()
            .WithSummary("One agent's blended score for the router; always 200, null when unknown");
        reputation.MapGet("/population", PopulationAsync)
            .Produces<PopulationResponse>()
            .Produces<ApiError>(StatusCodes.Status503ServiceUnavailable)
            .WithSummary("The population prior shared by every instance (admin key)");
        reputation.MapPost("/events", ReputationIngestEndpoint.HandleAsync)
            .Accepts<JsonNode>("application/json")
            .Produces<IngestResponse>()
            .Produces<InvalidEventsError>(StatusCodes.Status400BadRequest)
            .Produces<ApiError>(StatusCodes.Status413PayloadTooLarge)
            .Produces<ApiError>(StatusCodes.Status415UnsupportedMediaType)
            .Produces<ApiError>(StatusCodes.Status503ServiceUnavailable)
            .WithSummary("Ingest one event or a batch of 1..100 (admin key)");
        reputation.MapGet("/{nftId}", AgentAsync)
            .Produces<AgentReputationResponse>()
            .Produces<ApiError>(StatusCodes.Status400BadRequest)
            .Produces<ApiError>(StatusCodes.Status403Forbidden)
            .Produces<ApiError>(StatusCodes.Status404NotFound)
            .WithSummary("One agent's aggregate (builder tier or admin key)");
        reputation.MapGet("/{nftId}/cohorts", CohortsAsync)
            .Produces<CohortsResponse>()
            .Produces<ApiError>(StatusCodes.Status400BadRequest)
            .Produces<ApiError>(StatusCodes.Status403Forbidden)
            .Produces<ApiError>(StatusCodes.Status404NotFound)
            .WithSummary("One agent's task cohorts and cross-model score (builder tier or admin key)");

        app.MapPost("/api/admin/reputation/rebuild", RebuildEndpoint.HandleAsync)
            .WithTags("admin")
            .Accepts<RebuildRequest>("application/json")
            .Produces<RebuildReport>()
            .Produces<ApiError>(StatusCodes.Status400BadRequest)
            .Produces<ApiError>(StatusCodes.Status415UnsupportedMediaType)
            .WithSummary("Replay the event log with the live fold and report (or repair) differences");
        return reputation;
    }

    private static async Task<JsonHttpResult<ScoreResponse>> QueryAsync(HttpRequest request, ScoreLookup lookup, CancellationToken ct)
    {
        var score = RoutingKey.NftIdOf(request.Query["routingKey"].FirstOrDefault()) is { } nftId ? await lookup.ScoreAsync(nftId, ct) : null;
        return TypedResults.Json(new ScoreResponse(score), ReputationJson.Wire.ScoreResponse);
    }

    private static async Task<JsonHttpResult<PopulationResponse>> PopulationAsync(ReputationReads reads, CancellationToken ct)
    {
        var (population, storeCount) = await reads.ReadPopulationAsync(ct);
        return TypedResults.Json(new PopulationResponse(population.EffectiveMean, population.Variance, population.Count, storeCount),
            ReputationJson.Wire.PopulationResponse);
    }

    private static async Task<Results<JsonHttpResult<AgentReputationResponse>, JsonHttpResult<ApiError>>> AgentAsync(
        string nftId, HttpContext context, ReputationReads reads, TimeProvider clock, CancellationToken ct)
    {
        var (aggregate, error) = await LoadAsync(nftId, context, reads, ct);
        if (aggregate is null) return error!;
        var now = clock.GetUtcNow();
        var sampleCount = (long)(AggregateJson.Number(aggregate["sample_count"]) ?? 0);
        var reliability = Reliability.Of(sampleCount, AggregateJson.Text(aggregate["last_updated"]), now);
        return TypedResults.Json(new AgentReputationResponse(
            AggregateJson.Number(aggregate["blended_score"]), AggregateJson.Number(aggregate["personal_score"]), sampleCount,
            AggregateJson.Text(aggregate["state"]) ?? "cold", new ReliabilityBlock(reliability.Reliable, reliability.Reasons),
            Cohorts(aggregate), Infrastructure.IsoTime.Format(now)), ReputationJson.Wire.AgentReputationResponse);
    }

    private static async Task<Results<JsonHttpResult<CohortsResponse>, JsonHttpResult<ApiError>>> CohortsAsync(
        string nftId, HttpContext context, ReputationReads reads, CancellationToken ct)
    {
        var (aggregate, error) = await LoadAsync(nftId, context, reads, ct);
        if (aggregate is null) return error!;
        var cohorts = Cohorts(aggregate);
        var crossModel = ReputationMath.CrossModelScore(cohorts.OfType<JsonObject>()
            .Select(c => (AggregateJson.Number(c["personal_score"]), AggregateJson.Number(c["sample_count"]) ?? 0)));
        return TypedResults.Json(new CohortsResponse(cohorts, crossModel), ReputationJson.Wire.CohortsResponse);
    }

    /// <summary>Checks 3–5 of spec 06 §8.3 (the gate did 1–2): the aggregate, or the failure in check order.</summary>
    private static async Task<(JsonObject? Aggregate, JsonHttpResult<ApiError>? Error)> LoadAsync(
        string nftId, HttpContext context, ReputationReads reads, CancellationToken ct)
    {
        if (!ReputationEventParser.NftId().IsMatch(nftId))
            return (null, ApiErrors.Result(StatusCodes.Status400BadRequest, "invalid_request", "Invalid NFT ID"));
        if (!await BuilderTierCheck.AllowsAsync(context))
            return (null, ApiErrors.Result(StatusCodes.Status403Forbidden, "forbidden", "Requires builder+ conviction tier"));
        return await reads.ReadAggregateAsync(nftId, ct) is { } aggregate
            ? (aggregate, null)
            : (null, ApiErrors.Result(StatusCodes.Status404NotFound, "not_found", "Agent not found"));
    }

    private static JsonArray Cohorts(JsonObject aggregate) =>
        aggregate["task_cohorts"] is JsonArray cohorts ? cohorts.DeepClone().AsArray() : [];
}
