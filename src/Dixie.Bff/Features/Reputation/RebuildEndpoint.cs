using System.Text.Json;
using Dixie.Bff.Infrastructure.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Dixie.Bff.Features.Reputation;

/// <summary>`POST /api/admin/reputation/rebuild` `{"nft_id"?, "apply"?}`: always 200 with the report (spec 06 §10).</summary>
public static class RebuildEndpoint
{
    public static async Task<Results<JsonHttpResult<RebuildReport>, JsonHttpResult<ApiError>>> HandleAsync(
        HttpRequest request, ReputationReplay replay, CancellationToken ct)
    {
        if (JsonBody.HasWrongMediaType(request)) return JsonBody.UnsupportedMediaType();
        RebuildRequest? body = null;
        if (JsonBody.HasBody(request))
        {
            try
            {
                body = await JsonSerializer.DeserializeAsync(request.Body, ReputationJson.Wire.RebuildRequest, ct);
            }
            catch (JsonException)
            {
                return ApiErrors.Result(StatusCodes.Status400BadRequest, "invalid_request", "Body must be {\"nft_id\"?, \"apply\"?}");
            }
        }
        if (body?.NftId is { } nftId && !ReputationEventParser.NftId().IsMatch(nftId))
            return ApiErrors.Result(StatusCodes.Status400BadRequest, "invalid_request", "Invalid NFT ID");
        var report = await replay.RunAsync(body?.NftId, body?.Apply ?? false, ct);
        return TypedResults.Json(report, ReputationJson.Wire.RebuildReport);
    }
}
