using System.Data;
using System.Diagnostics;
using System.Text.Json.Nodes;
using Dixie.Bff.Features.Governance.Audit;
using Dixie.Bff.Features.Governance.Mutations;
using Dixie.Bff.Infrastructure.Outbox;
using Dixie.Bff.Infrastructure.Telemetry;
using Npgsql;
using NpgsqlTypes;

namespace Dixie.Bff.Features.Reputation;

/// <summary>The final state of an agent that had at least one accepted event (spec 06 §7.2).</summary>
public sealed record IngestedAggregate(string NftId, string State, double BlendedScore, long SampleCount);

public sealed record IngestResult(IReadOnlyList<AppliedEvent> Applied, int Duplicates, IReadOnlyList<IngestedAggregate> Aggregates);

/// <summary>
/// The write path of spec 06 §7.3: event rows, aggregates, cohorts, population, mutation rows, outbox rows
/// and audit entries in one transaction on one connection, under the population lock every reputation
/// writer takes first. Nothing called here opens a connection of its own.
/// </summary>
public sealed class ReputationIngest(NpgsqlDataSource dataSource, AuditTrail audit, MutationLog mutations, OutboxWriter outbox,
    ScoreCache cache, TimeProvider clock)
{
    public const string Chain = "reputation";
    public const string Actor = "admin";
    public const string SystemActor = "system:dixie-bff";

    // One statement for the whole batch; ORDER BY ord keeps the bigserial ids (the replay order) in request order.
    private const string InsertEventsSql = """
        INSERT INTO reputation_events (nft_id, event_type, data, event_id)
        SELECT e.nft_id, e.event_type, e.data, e.event_id
        FROM unnest(@nft_ids::text[], @event_types::text[], @datas::jsonb[], @event_ids::uuid[])
             WITH ORDINALITY AS e(nft_id, event_type, data, event_id, ord)
        ORDER BY e.ord
        ON CONFLICT (event_id) DO NOTHING
        RETURNING event_id
        """;

    /// <summary>
    /// Stores and applies <paramref name="events"/> (distinct event ids, request order). <paramref name="repeated"/>
    /// counts the request's own repeats of those ids, which are duplicates too. A lost update is retried
    /// once; afterwards it propagates as <see cref="LostUpdateException"/>.
    /// </summary>
    public async Task<IngestResult> IngestAsync(IReadOnlyList<ReputationEvent> events, int repeated, int rejected, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                var result = await IngestOnceAsync(events, repeated, rejected, ct);
                cache.Invalidate(result.Aggregates.Select(a => a.NftId));
                return result;
            }
            catch (LostUpdateException) when (attempt == 0)
            {
            }
        }
    }

    private async Task<IngestResult> IngestOnceAsync(IReadOnlyList<ReputationEvent> events, int repeated, int rejected, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, ct);
        var population = await ReputationRows.LockPopulationAsync(connection, transaction, ct);

        var inserted = await InsertEventsAsync(connection, transaction, events, ct);
        var accepted = events.Where(e => inserted.Contains(e.EventId)).ToList();
        var duplicates = events.Count - accepted.Count + repeated;
        if (accepted.Count == 0)
        {
            await transaction.CommitAsync(ct);
            return new IngestResult([], duplicates, []);
        }

        var agentOrder = accepted.Select(e => e.AgentId).Distinct(StringComparer.Ordinal).ToList();
        var stored = await ReputationRows.ReadForUpdateAsync(connection, transaction, agentOrder, ct);
        var current = stored.ToDictionary(s => s.Key, s => (JsonObject?)s.Value.Data, StringComparer.Ordinal);
        var versions = agentOrder.ToDictionary(id => id, id => stored.TryGetValue(id, out var s) ? s.Version : -1, StringComparer.Ordinal);
        var cohorts = new Dictionary<(string, string, string), JsonObject>();
        var applied = new List<AppliedEvent>(accepted.Count);
        foreach (var ev in accepted)
        {
            using var span = DixieTelemetry.Source.StartActivity(SpanAllowlist.ReputationUpdate, ActivityKind.Internal);
            var result = ReputationFold.Apply(current.GetValueOrDefault(ev.AgentId), ev, population);
            current[ev.AgentId] = result.Aggregate;
            population = result.Population;
            versions[ev.AgentId]++;
            if (result.Effects.Cohort is { } cohort)
                cohorts[(ev.AgentId, AggregateJson.Text(cohort["model_id"])!, AggregateJson.Text(cohort["task_type"])!)] = cohort;
            var entry = new AppliedEvent(ev, result.Aggregate, result.Effects, versions[ev.AgentId]);
            applied.Add(entry);
            Tag(span, entry);
        }

        // One write per agent; its version advances once per applied event, so each signal carries its own.
        var writes = agentOrder.Select(nftId => new AggregateWrite(nftId, current[nftId]!,
            stored.TryGetValue(nftId, out var s) ? s.Version : null, versions[nftId])).ToList();
        await ReputationFoldWrite.WriteAsync(connection, transaction, writes, cohorts.Select(c => (c.Key.Item1, c.Value)), population, ct);
        await RecordMutationsAsync(connection, transaction, applied, duplicates, rejected, ct);

        var appliedAt = clock.GetUtcNow();
        var appliedAtText = Infrastructure.IsoTime.Format(appliedAt);
        await outbox.AddManyAsync(connection, transaction, [.. applied.Select(entry => new OutboxSignal(SignalSubjects.Reputation,
            "reputation.event_applied", entry.Signal(appliedAtText), SignalDedupKeys.Reputation(entry.Event.EventId)))], appliedAt, ct);
        await audit.AppendAsync(connection, transaction, Chain,
            [.. applied.Select(a => new AuditRecord(a.AuditEventType, Actor, a.AuditPayload()))], ct);
        await transaction.CommitAsync(ct);

        var aggregates = agentOrder.Select(id => new IngestedAggregate(id, AggregateJson.Text(current[id]!["state"])!,
            AggregateJson.Number(current[id]!["blended_score"]) ?? 0, (long)(AggregateJson.Number(current[id]!["sample_count"]) ?? 0))).ToList();
        return new IngestResult(applied, duplicates, aggregates);
    }

    /// <summary>Stores the events not already stored; returns the ids of those it stored.</summary>
    private static async Task<HashSet<Guid>> InsertEventsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction,
        IReadOnlyList<ReputationEvent> events, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(InsertEventsSql, connection, transaction);
        command.Parameters.AddWithValue("nft_ids", events.Select(e => e.AgentId).ToArray());
        command.Parameters.AddWithValue("event_types", events.Select(e => e.Type).ToArray());
        command.Parameters.AddWithValue("datas", NpgsqlDbType.Array | NpgsqlDbType.Jsonb, events.Select(e => e.Data.ToJsonString()).ToArray());
        command.Parameters.AddWithValue("event_ids", events.Select(e => e.EventId).ToArray());
        var inserted = new HashSet<Guid>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) inserted.Add(reader.GetGuid(0));
        return inserted;
    }

    private async Task RecordMutationsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, List<AppliedEvent> applied,
        int duplicates, int rejected, CancellationToken ct)
    {
        var payload = new JsonObject
        {
            ["accepted"] = applied.Count,
            ["duplicates"] = duplicates,
            ["rejected"] = rejected,
            ["event_ids"] = new JsonArray([.. applied.Select(a => (JsonNode)a.Event.EventId.ToString("D"))]),
        };
        await mutations.RecordAsync(connection, transaction, new Mutation(Chain, "reputation.events.ingested", Actor, payload), ct);
        foreach (var entry in applied)
        {
            foreach (var transition in entry.Effects.Transitions)
            {
                var body = new JsonObject { ["nft_id"] = entry.Event.AgentId, ["from"] = transition.From, ["to"] = transition.To, ["at"] = transition.At };
                await mutations.RecordAsync(connection, transaction, new Mutation(Chain, "reputation.state.transitioned", SystemActor, body,
                    $"{entry.Event.EventId:D}:{transition.To}"), ct);
            }
        }
    }

    private static void Tag(Activity? span, AppliedEvent entry)
    {
        if (span is null) return;
        span.SetTag("model_id", entry.Event.ModelId ?? "n/a");
        if (entry.PersonalScore is { } score) span.SetTag("score", score);
        span.SetTag("ema_value", entry.BlendedScore);
        span.SetTag("event_type", entry.Event.Type);
    }
}
