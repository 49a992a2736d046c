using System.Text.Json;
using Dixie.Bff.Infrastructure;
using Dixie.Bff.Infrastructure.Http;
using Dixie.Bff.Infrastructure.Identity;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Dixie.Bff.Features.Allowlist;

/// <summary>
/// `/api/admin/allowlist` (spec 04 §7). The admin-key stage (spec 02 §12.1) has already admitted the
/// caller; these handlers validate their input and leave the writing to <see cref="AllowlistStore"/>.
/// </summary>
public static class AllowlistApi
{
    public const string ApiKeyFormatMessage = "API key must be dxk_ followed by at least 24 characters [A-Za-z0-9_-]";

    private static readonly JsonDocumentOptions BodyOptions = new()
    {
        MaxDepth = 32,
        CommentHandling = JsonCommentHandling.Disallow,
        AllowTrailingCommas = false,
    };

    public static RouteGroupBuilder MapAllowlist(this IEndpointRouteBuilder app)
    {
        var allowlist = app.MapGroup("/api/admin/allowlist").WithTags("admin");
        allowlist.MapGet("", (AllowlistReloader reloader) => TypedResults.Json(AllowlistView.From(reloader.Document), AllowlistJson.Wire.AllowlistView))
            .Produces<AllowlistView>()
            .WithSummary("The allowlist, API keys masked");
        allowlist.MapPost("", AddAsync)
            .Accepts<AllowlistChangeRequest>("application/json")
            .Produces<AllowlistChangeResponse>(StatusCodes.Status201Created)
            .Produces<ApiError>(StatusCodes.Status400BadRequest)
            .Produces<ApiError>(StatusCodes.Status409Conflict)
            .Produces<ApiError>(StatusCodes.Status415UnsupportedMediaType)
            .Produces<ApiError>(StatusCodes.Status503ServiceUnavailable)
            .WithSummary("Add a wallet or an API key (stored hashed)");
        allowlist.MapDelete("/{entry}", RemoveAsync)
            .Produces<AllowlistChangeResponse>()
            .Produces<ApiError>(StatusCodes.Status404NotFound)
            .Produces<ApiError>(StatusCodes.Status409Conflict)
            .Produces<ApiError>(StatusCodes.Status503ServiceUnavailable)
            .WithSummary("Remove a wallet (any case), a dxk_ key or a sha256: digest");
        return allowlist;
    }

    private static async Task<Results<JsonHttpResult<AllowlistChangeResponse>, JsonHttpResult<ApiError>>> AddAsync(
        HttpRequest request, HttpResponse response, AllowlistStore store, CancellationToken ct)
    {
        if (JsonBody.HasWrongMediaType(request)) return JsonBody.UnsupportedMediaType();
        using var body = await ReadJsonAsync(request, ct);
        if (body?.RootElement is not { ValueKind: JsonValueKind.Object } root) return Invalid("Invalid JSON body");
        if (NonEmptyString(root, "type") is not { } type || NonEmptyString(root, "value") is not { } value)
            return Invalid("type and value required");

        AllowlistEntry entry;
        switch (type)
        {
            case "wallet":
                if (!WalletAddress.TryNormalize(value, out var wallet))
                    return ApiErrors.Result(StatusCodes.Status400BadRequest, "invalid_address", "Invalid Ethereum address");
                entry = new AllowlistEntry.Wallet(wallet);
                break;
            case "apiKey":
                if (!ApiKeyEntry.IsWellFormedKey(value) && !ApiKeyEntry.IsStoredDigest(value)) return Invalid(ApiKeyFormatMessage);
                entry = new AllowlistEntry.ApiKey(ApiKeyEntry.ForStorage(value));
                break;
            default:
                return Invalid("type must be wallet or apiKey");
        }
        return Respond(await store.AddAsync(entry, ct), StatusCodes.Status201Created, response);
    }

    private static async Task<Results<JsonHttpResult<AllowlistChangeResponse>, JsonHttpResult<ApiError>>> RemoveAsync(
        string entry, HttpResponse response, AllowlistStore store, CancellationToken ct)
    {
        if (AllowlistEntry.ForRemoval(entry) is not { } target) return NotFound();
        return Respond(await store.RemoveAsync(target, ct), StatusCodes.Status200OK, response);
    }

    private static Results<JsonHttpResult<AllowlistChangeResponse>, JsonHttpResult<ApiError>> Respond(
        AllowlistChangeResult result, int successStatus, HttpResponse response)
    {
        switch (result.Outcome)
        {
            case AllowlistChangeOutcome.Changed or AllowlistChangeOutcome.AlreadyPresent:
                return TypedResults.Json(new AllowlistChangeResponse(true, AllowlistView.From(result.Document)),
                    AllowlistJson.Wire.AllowlistChangeResponse, statusCode: successStatus);
            case AllowlistChangeOutcome.NotFound:
                return NotFound();
            case AllowlistChangeOutcome.Busy:
                response.Headers.RetryAfter = "1";
                return ApiErrors.Result(StatusCodes.Status503ServiceUnavailable, "allowlist_busy", "Allowlist is being changed; retry");
            case AllowlistChangeOutcome.FileMalformed:
                return ApiErrors.Result(StatusCodes.Status409Conflict, "allowlist_malformed",
                    "The allowlist file is malformed; correct it by hand before changing it through the API");
            default:
                response.Headers.RetryAfter = "5";
                return ApiErrors.Result(StatusCodes.Status503ServiceUnavailable, "database_unavailable", "Database unavailable");
        }
    }

    private static JsonHttpResult<ApiError> Invalid(string message) =>
        ApiErrors.Result(StatusCodes.Status400BadRequest, "invalid_request", message);

    private static JsonHttpResult<ApiError> NotFound() =>
        ApiErrors.Result(StatusCodes.Status404NotFound, "not_found", "Entry not found in allowlist");

    /// <summary>The body as JSON, or null when it is empty or not JSON (spec 04 §7.2 answers both alike).</summary>
    private static async Task<JsonDocument?> ReadJsonAsync(HttpRequest request, CancellationToken ct)
    {
        try
        {
            return await JsonText.ParseAsync(request.Body, BodyOptions, ct);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? NonEmptyString(JsonElement body, string name) =>
        body.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text
            ? text
            : null;
}
