using Dixie.Bff.Infrastructure.Http;

namespace Dixie.Bff.Features.Fleet;

/// <summary>`/api/fleet/*` (spec 07 §3): wallets act on their own tasks, the admin key on all; mapped only when the fleet is enabled.</summary>
public static class FleetApi
{
    public static IEndpointRouteBuilder MapFleet(this IEndpointRouteBuilder app)
    {
        var fleet = app.MapGroup("/api/fleet").WithTags("fleet");
        fleet.MapPost("/spawn", SpawnEndpoint.HandleAsync)
            .WithName("SpawnFleetAgent")
            .WithSummary("Admit and start an agent task under the caller's tier limit; a same-day replay of the description answers its task with 200")
            .AddOpenApiOperationTransformer(async (operation, context, ct) =>
            {
                operation.RequestBody = new Microsoft.OpenApi.OpenApiRequestBody
                {
                    Required = true,
                    Content = new Dictionary<string, Microsoft.OpenApi.OpenApiMediaType>
                    {
                        ["application/json"] = new() { Schema = await context.GetOrCreateSchemaAsync(typeof(SpawnRequestDocument), null, ct) },
                    },
                };
            })
            .Produces<SpawnResult>(StatusCodes.Status201Created)
            .Produces<SpawnResult>(StatusCodes.Status200OK)
            .Produces<ApiError>(StatusCodes.Status400BadRequest)
            .Produces<SpawnDenial>(StatusCodes.Status403Forbidden)
            .Produces<ApiError>(StatusCodes.Status415UnsupportedMediaType)
            .Produces<SpawnFailed>(StatusCodes.Status500InternalServerError)
            .Produces<ApiError>(StatusCodes.Status503ServiceUnavailable);
        fleet.MapGet("/status", StatusEndpoint.HandleAsync)
            .WithName("FleetStatus")
            .WithSummary("Task counts over all tasks in scope and the 50 newest tasks (the caller's own; all operators for the admin)")
            .Produces<FleetStatusResponse>(StatusCodes.Status200OK);

        var tasks = fleet.MapGroup("/tasks/{id}");
        tasks.MapGet("/", TaskEndpoints.GetAsync)
            .WithName("GetFleetTask").WithSummary("One task record")
            .Produces<TaskRecord>(StatusCodes.Status200OK).Produces<ApiError>(StatusCodes.Status404NotFound);
        tasks.MapPost("/stop", TaskEndpoints.StopAsync)
            .WithName("StopFleetTask").WithSummary("Cancel a running or pr_created task and stop its process tree (repeat stops answer 200)")
            .Produces<StopResult>(StatusCodes.Status200OK).Produces<ApiError>(StatusCodes.Status404NotFound).Produces<FleetConflict>(StatusCodes.Status409Conflict);
        tasks.MapGet("/logs", TaskEndpoints.LogsAsync)
            .WithName("FleetTaskLogs").WithSummary("The last lines of the current attempt's log (lines 1-10000, default 200)")
            .Produces<LogsResult>(StatusCodes.Status200OK).Produces<ApiError>(StatusCodes.Status400BadRequest)
            .Produces<ApiError>(StatusCodes.Status404NotFound).Produces<ApiError>(StatusCodes.Status503ServiceUnavailable);
        tasks.MapDelete("/", TaskEndpoints.DeleteAsync)
            .WithName("DeleteFleetTask").WithSummary("Delete a finished task whose process has ended, with its work directory")
            .Produces<DeleteResult>(StatusCodes.Status200OK).Produces<ApiError>(StatusCodes.Status404NotFound).Produces<FleetConflict>(StatusCodes.Status409Conflict);
        tasks.MapPost("/retry", TaskEndpoints.RetryAsync)
            .WithName("RetryFleetTask").WithSummary("Run a failed or rejected task again in a fresh attempt, admission-checked")
            .Produces<TaskRecord>(StatusCodes.Status200OK).Produces<SpawnDenial>(StatusCodes.Status403Forbidden)
            .Produces<ApiError>(StatusCodes.Status404NotFound).Produces<FleetConflict>(StatusCodes.Status409Conflict)
            .Produces<SpawnFailed>(StatusCodes.Status500InternalServerError).Produces<ApiError>(StatusCodes.Status503ServiceUnavailable);
        tasks.MapPost("/status", TaskEndpoints.UpdateStatusAsync)
            .WithName("UpdateFleetTaskStatus").WithSummary("Admin key only: record PR progress (a legal move, or metadata when the status is unchanged)")
            .AddOpenApiOperationTransformer(async (operation, context, ct) =>
            {
                operation.RequestBody = new Microsoft.OpenApi.OpenApiRequestBody
                {
                    Required = true,
                    Content = new Dictionary<string, Microsoft.OpenApi.OpenApiMediaType>
                    {
                        ["application/json"] = new() { Schema = await context.GetOrCreateSchemaAsync(typeof(StatusUpdateDocument), null, ct) },
                    },
                };
            })
            .Produces<TaskRecord>(StatusCodes.Status200OK).Produces<ApiError>(StatusCodes.Status400BadRequest)
            .Produces<ApiError>(StatusCodes.Status403Forbidden).Produces<ApiError>(StatusCodes.Status404NotFound)
            .Produces<FleetConflict>(StatusCodes.Status409Conflict).Produces<ApiError>(StatusCodes.Status415UnsupportedMediaType);
        return app;
    }
}
