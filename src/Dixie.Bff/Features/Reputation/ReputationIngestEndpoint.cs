using System.Diagnostics;
using System.Text.Json;
using Dixie.Bff.Infrastructure;
using Dixie.Bff.Infrastructure.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Dixie.Bff.Features.Reputation;

/// <summary>`POST /api/reputation/events` (spec 06 §7): validate every item, then one transaction for the valid ones.</summary>
public static class ReputationIngestEndpoint
{
    public const int MaxBatch = 100;

    private static readonly JsonDocumentOptions BodyOptions = new()
    {
        MaxDepth = 32,
        CommentHandling = JsonCommentHandling.Disallow,
        AllowTrailingCommas = false,
    };

    public static async Task<Results<JsonHttpResult<IngestResponse>, JsonHttpResult<InvalidEventsError>, JsonHttpResult<ApiError>>> HandleAsync(
        HttpRequest request, ReputationIngest ingest, ReputationLog log, TimeProvider clock, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        if (JsonBody.HasWrongMediaType(request)) return JsonBody.UnsupportedMediaType();
        if (!JsonBody.HasBody(request)) return Invalid("Request body required");
        JsonDocument body;
        try
        {
            body = await JsonText.ParseAsync(request.Body, BodyOptions, ct);
        }
        catch (JsonException)
        {
            return Invalid("Malformed JSON body");
        }
        using var _ = body;
        IReadOnlyList<JsonElement> items = body.RootElement.ValueKind switch
        {
            JsonValueKind.Object => [body.RootElement],
            JsonValueKind.Array => [.. body.RootElement.EnumerateArray()],
            _ => [],
        };
        if (body.RootElement.ValueKind is not (JsonValueKind.Object or JsonValueKind.Array))
            return Invalid("Body must be an event object or an array of events");
        if (items.Count == 0) return Invalid("Event array must not be empty");
        if (items.Count > MaxBatch) return Invalid($"At most {MaxBatch} events per request");

        var (valid, rejected, repeated) = Validate(items, clock.GetUtcNow());
        ReputationMetrics.CountEvents("rejected", rejected.Count);
        if (valid.Count == 0 && repeated == 0)
        {
            return TypedResults.Json(new InvalidEventsError("invalid_request", "No valid events in request", rejected),
                ReputationJson.Wire.InvalidEventsError, statusCode: StatusCodes.Status400BadRequest);
        }

        IngestResult result;
        try
        {
            result = await ingest.IngestAsync(valid, repeated, rejected.Count, ct);
        }
        catch (LostUpdateException)
        {
            request.HttpContext.Response.Headers.RetryAfter = "1";
            return ApiErrors.Result(StatusCodes.Status503ServiceUnavailable, "database_unavailable", "Concurrent reputation write; retry");
        }
        var duplicates = result.Duplicates;
        ReputationMetrics.CountEvents("accepted", result.Applied.Count);
        ReputationMetrics.CountEvents("duplicate", duplicates);
        log.Ingest(result.Applied.Count, duplicates, rejected.Count, result.Aggregates.Count, (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        return TypedResults.Json(new IngestResponse(result.Applied.Count, duplicates, rejected,
            [.. result.Aggregates.Select(a => new AggregateSummary(a.NftId, a.State, a.BlendedScore, a.SampleCount))]),
            ReputationJson.Wire.IngestResponse);
    }

    /// <summary>Valid items with distinct event ids in request order, the rejected items, and the in-request repeats.</summary>
    private static (List<ReputationEvent> Valid, List<RejectedEvent> Rejected, int Repeated) Validate(IReadOnlyList<JsonElement> items, DateTimeOffset now)
    {
        var valid = new List<ReputationEvent>(items.Count);
        var rejected = new List<RejectedEvent>();
        var seen = new HashSet<Guid>();
        var repeated = 0;
        for (var i = 0; i < items.Count; i++)
        {
            var (ev, error) = ReputationEventParser.Parse(items[i], now);
            if (ev is null) rejected.Add(new RejectedEvent(i, error!));
            else if (!seen.Add(ev.EventId)) repeated++;
            else valid.Add(ev);
        }
        return (valid, rejected, repeated);
    }

    private static JsonHttpResult<ApiError> Invalid(string message) =>
        ApiErrors.Result(StatusCodes.Status400BadRequest, "invalid_request", message);
}
