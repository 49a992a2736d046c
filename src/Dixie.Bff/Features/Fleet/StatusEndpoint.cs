namespace Dixie.Bff.Features.Fleet;

/// <summary>`GET /api/fleet/status` (spec 07 §3.5): counts over all tasks in scope, the 50 newest listed.</summary>
public static class StatusEndpoint
{
    public static async Task<IResult> HandleAsync(HttpContext context, FleetStore store, IFleetTiers tiers, TimeProvider clock, CancellationToken ct)
    {
        var (caller, refusal) = FleetCaller.Of(context);
        if (caller is null) return refusal!;
        // `?all=true` changes nothing: a wallet is always scoped to itself and the admin always sees everything.
        var (counts, rows) = await store.StatusAsync(caller.Scope, ct);
        var tier = caller.Operator is { } op ? await tiers.ResolveCallerAsync(context, op) : null;
        var now = clock.GetUtcNow();
        var tasks = rows.Select(row => new TaskSummary(row.Id, row.OperatorId, row.Status, row.Description, row.AgentType, row.Model,
            row.Branch, row.PrNumber, row.CiStatus, row.RetryCount, TaskRecord.Iso(row.SpawnedAt), Duration(row, now))).ToList();
        return TypedResults.Json(new FleetStatusResponse(counts.Active, counts.Completed, counts.Failed, tier?.Name, tier?.Limit, tasks),
            FleetJson.Wire.FleetStatusResponse);
    }

    private static long? Duration(FleetTaskRow row, DateTimeOffset now) => row.SpawnedAt is { } spawned
        ? (long)Math.Round(((row.CompletedAt is { } done ? FleetTaskRow.Utc(done) : now) - FleetTaskRow.Utc(spawned)).TotalMinutes, MidpointRounding.AwayFromZero)
        : null;
}
