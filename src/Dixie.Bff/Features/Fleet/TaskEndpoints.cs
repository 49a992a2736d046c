using System.Globalization;
using System.Text.Json;
using Dixie.Bff.Infrastructure;
using Dixie.Bff.Infrastructure.Http;
using Dixie.Bff.Infrastructure.Telemetry;

namespace Dixie.Bff.Features.Fleet;

/// <summary>The `/api/fleet/tasks/{id}…` routes (spec 07 §3.2, §3.6–§3.11): a malformed id and a foreign task look missing.</summary>
public static class TaskEndpoints
{
    public static async Task<IResult> GetAsync(string id, HttpContext context, FleetStore store, CancellationToken ct)
    {
        var (caller, taskId, refusal) = Resolve(context, id);
        if (refusal is not null) return refusal;
        return await store.FindAsync(taskId, caller!.Scope, ct) is { } row ? FleetResults.Task(row) : FleetResults.Missing(taskId);
    }

    public static async Task<IResult> StopAsync(string id, HttpContext context, FleetTaskCommands commands, CancellationToken ct)
    {
        var (caller, taskId, refusal) = Resolve(context, id);
        if (refusal is not null) return refusal;
        try
        {
            return await commands.StopAsync(taskId, caller!, ct) is not null
                ? TypedResults.Json(new StopResult(true, taskId, FleetStatus.Cancelled), FleetJson.Wire.StopResult)
                : FleetResults.Missing(taskId);
        }
        catch (FleetConflictException conflict)
        {
            return FleetResults.Conflict(conflict);
        }
    }

    public static async Task<IResult> LogsAsync(string id, HttpContext context, FleetStore store, RunnerIdentity identity, CancellationToken ct)
    {
        var (caller, taskId, refusal) = Resolve(context, id);
        if (refusal is not null) return refusal;
        var lines = 200;
        if (context.Request.Query.TryGetValue("lines", out var values))
        {
            if (values.Count != 1 || LogLines(values[0]) is not { } requested) return FleetResults.Invalid("lines must be an integer between 1 and 10000");
            lines = requested;
        }
        if (await store.FindAsync(taskId, caller!.Scope, ct) is not { } row) return FleetResults.Missing(taskId);
        var text = "";
        if (row.LogPath is { } path)
        {
            if (!File.Exists(path) && !identity.IsOnThisHost(row.RunnerInstance))
                return ApiErrors.Result(StatusCodes.Status503ServiceUnavailable, "logs_unavailable", "The task's log is on another host; share DIXIE_FLEET_WORK_DIR between instances");
            text = LogTail.Read(path, lines);
        }
        return TypedResults.Json(new LogsResult(taskId, text), FleetJson.Wire.LogsResult);
    }

    public static async Task<IResult> DeleteAsync(string id, HttpContext context, FleetTaskCommands commands, CancellationToken ct)
    {
        var (caller, taskId, refusal) = Resolve(context, id);
        if (refusal is not null) return refusal;
        try
        {
            return await commands.DeleteAsync(taskId, caller!, ct) is not null
                ? TypedResults.Json(new DeleteResult(true, taskId), FleetJson.Wire.DeleteResult)
                : FleetResults.Missing(taskId);
        }
        catch (FleetConflictException conflict)
        {
            return FleetResults.Conflict(conflict);
        }
    }

    public static async Task<IResult> RetryAsync(string id, HttpContext context, IAgentRunner runner, FleetRetry retry,
        FleetLauncher launcher, CancellationToken ct)
    {
        var (caller, taskId, refusal) = Resolve(context, id);
        if (refusal is not null) return refusal;
        if (!runner.IsConfigured) return FleetResults.RunnerNotConfigured();
        using var span = DixieTelemetry.Source.StartActivity(SpanAllowlist.FleetSpawn);
        span?.SetTag("cost", 0);
        span?.SetTag("task_id", taskId.ToString("D"));
        try
        {
            if (await retry.AdmitAsync(taskId, caller!, ct) is not { } admitted) return FleetResults.Missing(taskId);
            if (admitted.Denial is { } denial)
            {
                span?.SetTag("outcome", "denied");
                FleetMetrics.CountSpawn("denied");
                return FleetResults.Denied(denial);
            }
            var retrying = admitted.Retrying!;
            span?.SetTag("task_type", retrying.TaskType);
            span?.SetTag("identity_hash", FleetEvents.OperatorHash(retrying.OperatorId));
            var (row, started) = await launcher.LaunchAsync(retrying, caller!.Actor, admitted.Tier, null);
            span?.SetTag("outcome", started ? "created" : "failed");
            FleetMetrics.CountSpawn(started ? "created" : "failed");
            return started ? FleetResults.Task(row) : FleetResults.SpawnFailed(row.Id);
        }
        catch (FleetConflictException conflict)
        {
            return FleetResults.Conflict(conflict);
        }
    }

    /// <summary>`lines` capped at 10 000, however many digits it has; null when it is not an integer ≥ 1.</summary>
    internal static int? LogLines(string? text)
    {
        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
            return value < 1 ? null : (int)Math.Min(value, 10_000);
        var digits = text is ['+', .. var rest] ? rest : text;
        return digits is { Length: > 0 } && digits.All(char.IsAsciiDigit) ? 10_000 : null;
    }

    public static async Task<IResult> UpdateStatusAsync(string id, HttpContext context, FleetTaskCommands commands, CancellationToken ct)
    {
        var (caller, taskId, refusal) = Resolve(context, id);
        if (refusal is not null) return refusal;
        if (!caller!.IsAdmin) return ApiErrors.Result(StatusCodes.Status403Forbidden, "forbidden", "Admin key required");
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
        var (update, error) = StatusUpdateValidation.Parse(body);
        if (update is null) return FleetResults.Invalid(error!);
        try
        {
            return await commands.UpdateStatusAsync(taskId, update, ct) is { } row ? FleetResults.Task(row) : FleetResults.Missing(taskId);
        }
        catch (FleetConflictException conflict)
        {
            return FleetResults.Conflict(conflict);
        }
    }

    private static (FleetCaller? Caller, Guid Id, IResult? Refusal) Resolve(HttpContext context, string id)
    {
        var (caller, refusal) = FleetCaller.Of(context);
        if (caller is null) return (null, Guid.Empty, refusal);
        return Guid.TryParse(id, out var taskId) ? (caller, taskId, null) : (caller, Guid.Empty, FleetResults.MalformedId());
    }
}
