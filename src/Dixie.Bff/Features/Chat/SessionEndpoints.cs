using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Dixie.Bff.Infrastructure;
using Dixie.Bff.Infrastructure.Finn;
using Dixie.Bff.Infrastructure.Http;
using Dixie.Bff.Infrastructure.Identity;

namespace Dixie.Bff.Features.Chat;

/// <summary>`GET /api/sessions` and `GET /api/sessions/{id}` (spec 05 §4): the caller's own sessions only.</summary>
public static class SessionEndpoints
{
    private const int DefaultLimit = 50;

    public static async Task<IResult> ListAsync(HttpContext context, ChatSessionStore store, CancellationToken ct)
    {
        if (ChatOwner.Of(RequestIdentity.Of(context)) is not { } owner) return Forbidden();
        var limit = DefaultLimit;
        if (context.Request.Query.TryGetValue("limit", out var values))
        {
            if (values.Count != 1 || !int.TryParse(values[0], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > 100)
                return ApiErrors.Result(StatusCodes.Status400BadRequest, "invalid_request", "limit must be an integer from 1 to 100");
        }
        var rows = await store.ListAsync(owner, limit, ct);
        var sessions = rows.Select(row => new SessionSummary(row.SessionId, Iso(row.CreatedAt), Iso(row.LastActivityAt), row.MessageCount)).ToList();
        return TypedResults.Json(new SessionList(sessions), ChatJson.Wire.SessionList);
    }

    public static async Task<IResult> DetailAsync(string id, HttpContext context, ChatSessionStore store, FinnClient finn, CancellationToken ct)
    {
        if (ChatOwner.Of(RequestIdentity.Of(context)) is not { } owner) return Forbidden();
        if (!SessionIds.IsValid(id)) return ApiErrors.Result(StatusCodes.Status400BadRequest, "invalid_request", "Invalid session ID format");
        if (await store.FindOwnedAsync(id, owner, ct) is not { } row) return NotFound();

        FinnResponse<FinnSessionDetail> live;
        try
        {
            live = await finn.GetSessionAsync(id, ChatFinnCaller.For(context, owner), ct);
        }
        catch (FinnCallException failure)
        {
            return FinnErrors.ToResult(failure);
        }
        // finn keeps only live sessions in memory and resumes older ones on the next message: its 404 is "no state".
        if (live.Status == StatusCodes.Status404NotFound) return Detail(row, null, false);
        if (live.Value is not { } detail) return FinnErrors.ToResult(FinnErrors.ForAnswer(live.Status, live.Code));
        return Detail(row, detail.State, detail.Streaming);
    }

    /// <summary>The same body for a missing and a foreign session, so neither leaks the other's existence.</summary>
    public static IResult NotFound() => ApiErrors.Result(StatusCodes.Status404NotFound, "not_found", "Session not found");

    private static JsonHttpResult<ApiError> Forbidden() => ApiErrors.Result(StatusCodes.Status403Forbidden, "forbidden", "Not authorized");

    private static JsonHttpResult<SessionDetail> Detail(ChatSessionRow row, System.Text.Json.JsonElement? state, bool streaming) =>
        TypedResults.Json(new SessionDetail(row.SessionId, Iso(row.CreatedAt), Iso(row.LastActivityAt), row.MessageCount,
            state is { ValueKind: not System.Text.Json.JsonValueKind.Undefined } ? state : null, streaming), ChatJson.Wire.SessionDetail);

    private static string Iso(DateTime utc) => IsoTime.Format(new DateTimeOffset(DateTime.SpecifyKind(utc, DateTimeKind.Utc)));
}
