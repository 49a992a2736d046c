using Dixie.Bff.Infrastructure.Http;
using Dixie.Bff.Infrastructure.Identity;

namespace Dixie.Bff.Features.Fleet;

/// <summary>
/// Who calls a fleet route (spec 07 §3.1): a wallet acts on its own tasks, the admin key on all of
/// them; an API key is refused on every route.
/// </summary>
public sealed record FleetCaller(string? Operator)
{
    public bool IsAdmin => Operator is null;

    /// <summary>The operator to scope queries to; null for the admin (all operators).</summary>
    public string? Scope => Operator;

    public FleetActor Actor => Operator is { } op ? FleetActor.Wallet(op) : FleetActor.Admin;

    public static (FleetCaller? Caller, IResult? Refusal) Of(HttpContext context)
    {
        var identity = RequestIdentity.Of(context);
        return identity.Kind switch
        {
            IdentityKind.Wallet when identity.Wallet is { } wallet => (new FleetCaller(wallet), null),
            IdentityKind.Admin => (new FleetCaller((string?)null), null),
            IdentityKind.ApiKey => (null, ApiErrors.Result(StatusCodes.Status403Forbidden, "forbidden", "Fleet operations require a signed-in wallet or the admin key")),
            _ => (null, ApiErrors.Result(StatusCodes.Status401Unauthorized, "unauthorized", "Authentication required")),
        };
    }
}

/// <summary>The fixed answers shared by the fleet routes.</summary>
public static class FleetResults
{
    /// <summary>A malformed id: no query is sent.</summary>
    public static IResult MalformedId() => ApiErrors.Result(StatusCodes.Status404NotFound, "not_found", "Task not found");

    /// <summary>The same bytes for a missing task and another operator's task.</summary>
    public static IResult Missing(Guid id) => ApiErrors.Result(StatusCodes.Status404NotFound, "not_found", $"Task {id} not found");

    public static IResult Conflict(string message, string status) =>
        TypedResults.Json(new FleetConflict("conflict", message, status), FleetJson.Wire.FleetConflict, statusCode: StatusCodes.Status409Conflict);

    public static IResult Conflict(FleetConflictException conflict) => Conflict(conflict.Message, conflict.Row.Status);

    public static IResult RunnerNotConfigured() =>
        ApiErrors.Result(StatusCodes.Status503ServiceUnavailable, "runner_not_configured", "Fleet agent runner is not configured");

    public static IResult SpawnFailed(Guid id) =>
        TypedResults.Json(new SpawnFailed("spawn_failed", "Agent process could not be started", id), FleetJson.Wire.SpawnFailed, statusCode: StatusCodes.Status500InternalServerError);

    public static IResult Denied(SpawnDenial denial) =>
        TypedResults.Json(denial, FleetJson.Wire.SpawnDenial, statusCode: StatusCodes.Status403Forbidden);

    public static IResult Task(FleetTaskRow row) => TypedResults.Json(TaskRecord.From(row), FleetJson.Wire.TaskRecord);

    public static IResult Invalid(string message) => ApiErrors.Result(StatusCodes.Status400BadRequest, "invalid_request", message);
}
