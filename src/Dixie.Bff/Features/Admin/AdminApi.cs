using System.Globalization;
using Dixie.Bff.Features.Governance.Audit;
using Dixie.Bff.Infrastructure.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace Dixie.Bff.Features.Admin;

/// <summary>
/// The admin API under `/api/admin` (spec 08 §2.8). The admin-key stage has already admitted the
/// caller; these handlers only validate their own parameters.
/// </summary>
public static class AdminApi
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 500;

    public static RouteGroupBuilder MapAdmin(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/api/admin").WithTags("admin");
        admin.MapGet("/audit", ListAuditAsync);
        admin.MapGet("/audit/{resourceType}/verify", VerifyAuditAsync);
        return admin;
    }

    private static async Task<Results<JsonHttpResult<AuditPageResponse>, JsonHttpResult<ApiError>>> ListAuditAsync(
        HttpRequest request, NpgsqlDataSource dataSource, CancellationToken ct)
    {
        // Query values are read by hand so each failure gets the message of spec 08 §2.8.
        var query = request.Query;
        string? resourceType = null;
        if (query.TryGetValue("resourceType", out var typeValues))
        {
            resourceType = typeValues.Count == 1 ? typeValues[0] : null;
            if (!AuditRules.IsResourceType(resourceType)) return Invalid("Invalid resourceType");
        }
        var limit = DefaultLimit;
        if (query.TryGetValue("limit", out var limitValues) && !TryParseLimit(limitValues, out limit))
            return Invalid($"limit must be between 1 and {MaxLimit}");

        (Guid, DateTime)? before = null;
        if (query.TryGetValue("before", out var beforeValues))
        {
            if (beforeValues.Count != 1 || !Guid.TryParseExact(beforeValues[0], "D", out var cursorId)
                || await AuditListing.FindCursorAsync(dataSource, cursorId, resourceType, ct) is not { } cursorCreatedAt)
            {
                return Invalid("Unknown cursor");
            }
            before = (cursorId, cursorCreatedAt);
        }

        var page = await AuditListing.ReadAsync(dataSource, resourceType, limit, before, ct);
        var entries = page.Entries.Select(AuditEntryResponse.From).ToList();
        var next = page.HasMore ? entries[^1].EntryId : null;
        return TypedResults.Json(new AuditPageResponse(entries, next), DixieJson.Wire.AuditPageResponse);
    }

    private static async Task<Results<JsonHttpResult<AuditVerifyResponse>, JsonHttpResult<ApiError>>> VerifyAuditAsync(
        string resourceType, AuditVerifier verifier, AuditChainStatuses statuses, CancellationToken ct)
    {
        if (!AuditRules.IsResourceType(resourceType)) return Invalid("Invalid resourceType");
        var verification = await verifier.VerifyAsync(resourceType, ct);
        // A full run replaces what the background verifier last recorded (spec 08 §2.7).
        statuses.Record(resourceType, verification);
        return TypedResults.Json(new AuditVerifyResponse(verification.Valid, verification.EntriesChecked, verification.Detail),
            DixieJson.Wire.AuditVerifyResponse);
    }

    private static bool TryParseLimit(Microsoft.Extensions.Primitives.StringValues values, out int limit)
    {
        limit = 0;
        return values.Count == 1 && values[0] is { Length: > 0 and <= 9 } text && text.All(char.IsAsciiDigit)
            && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out limit) && limit is >= 1 and <= MaxLimit;
    }

    private static JsonHttpResult<ApiError> Invalid(string message) =>
        ApiErrors.Result(StatusCodes.Status400BadRequest, "invalid_request", message);
}
