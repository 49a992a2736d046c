using System.Text.Json;
using Dixie.Bff.Infrastructure;
using Dixie.Bff.Infrastructure.Configuration;
using Dixie.Bff.Infrastructure.Http;
using Dixie.Bff.Infrastructure.Telemetry;

namespace Dixie.Bff.Features.Fleet;

/// <summary>`POST /api/fleet/spawn` (spec 07 §3.4): validate, admit under the operator's lock, then launch.</summary>
public static class SpawnEndpoint
{
    public static async Task<IResult> HandleAsync(HttpContext context, DixieConfig config, IAgentRunner runner, IFleetTiers tiers,
        FleetAdmission admission, FleetLauncher launcher, CancellationToken ct)
    {
        var (caller, refusal) = FleetCaller.Of(context);
        if (caller is null) return refusal!;
        if (caller.Operator is not { } op)
            return ApiErrors.Result(StatusCodes.Status403Forbidden, "forbidden", "Spawning fleet agents requires a signed-in wallet");

        if (JsonBody.HasWrongMediaType(context.Request)) return JsonBody.UnsupportedMediaType();
        JsonElement body;
        try
        {
            body = (await JsonText.ParseAsync(context.Request.Body, default, ct)).RootElement;
        }
        catch (JsonException)
        {
            return FleetResults.Invalid("Invalid request body");
        }
        var (request, error) = SpawnValidation.Parse(body, config.Fleet.TaskTimeoutMinutes);
        if (request is null) return FleetResults.Invalid(error!);
        if (!runner.IsConfigured) return FleetResults.RunnerNotConfigured();

        using var span = DixieTelemetry.Source.StartActivity(SpanAllowlist.FleetSpawn);
        span?.SetTag("task_type", request.TaskType);
        span?.SetTag("cost", 0);
        span?.SetTag("identity_hash", FleetEvents.OperatorHash(op));
        var tier = await tiers.ResolveCallerAsync(context, op);
        var decision = await admission.AdmitAsync(request, op, tier, ct);
        if (decision.Denial is { } denial) return Outcome(span, "denied", null, FleetResults.Denied(denial));
        if (decision.Replayed is { } replay)
            return Outcome(span, "replayed", replay.Id, TypedResults.Json(Result(replay), FleetJson.Wire.SpawnResult));

        var created = decision.Created!;
        try
        {
            var (row, started) = await launcher.LaunchAsync(created, caller.Actor, tier.Name, request.RoutingReason);
            return started
                ? Outcome(span, "created", row.Id, TypedResults.Json(Result(row), FleetJson.Wire.SpawnResult, statusCode: StatusCodes.Status201Created))
                : Outcome(span, "failed", row.Id, FleetResults.SpawnFailed(row.Id));
        }
        catch (FleetConflictException)
        {
            return Outcome(span, "failed", created.Id, FleetResults.SpawnFailed(created.Id));
        }
    }

    public static SpawnResult Result(FleetTaskRow row) => new(row.Id, row.Branch, row.WorktreePath, row.AgentType, row.Model, row.Status);

    private static IResult Outcome(System.Diagnostics.Activity? span, string outcome, Guid? taskId, IResult result)
    {
        span?.SetTag("outcome", outcome);
        if (taskId is { } id) span?.SetTag("task_id", id.ToString("D"));
        FleetMetrics.CountSpawn(outcome);
        return result;
    }
}
