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

    private const string InsertEventSql = """
        INSERT INTO reputation_events (nft_id, event_type, data, event_id)
        VALUES (@nft_id, @event_type, @data, @event_id)
        ON CONFLICT (event_id) DO NOTHING
        RETURNING id
        """;

    /// <summary>
    /// Stores and applies <paramref name="events"/> (distinct event ids, request order). A lost update is retried
    /// once; afterwards it propagates as <see cref="LostUpdateException"/>.
    /// </summary>
    public async Task<IngestResult> IngestAsync(IReadOnlyList<ReputationEvent> events, int rejected, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                var result = await IngestOnceAsync(events, rejected, ct);
                cache.Invalidate(result.Aggregates.Select(a => a.NftId));
                return result;
            }
            catch (LostUpdateException) when (attempt == 0)
            {
            }
        }
    }

    private async Task<IngestResult> IngestOnceAsync(IReadOnlyList<ReputationEvent> events, int rejected, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, ct);
        var population = await ReputationRows.LockPopulationAsync(connection, transaction, ct);

        var accepted = new List<ReputationEvent>(events.Count);
        foreach (var ev in events)
        {
            if (await InsertEventAsync(connection, transaction, ev, ct)) accepted.Add(ev);
        }
        var duplicates = events.Count - accepted.Count;
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
        foreach (var nftId in agentOrder)
        {
            var read = stored.TryGetValue(nftId, out var s) ? s.Version : (int?)null;
            await ReputationRows.WriteAggregateAsync(connection, transaction, nftId, current[nftId]!, read, versions[nftId], ct);
        }
        foreach (var ((nftId, _, _), cohort) in cohorts) await ReputationRows.UpsertCohortAsync(connection, transaction, nftId, cohort, ct);
        await ReputationRows.WritePopulationAsync(connection, transaction, population, ct);
        await RecordMutationsAsync(connection, transaction, applied, duplicates, rejected, ct);

        var appliedAt = clock.GetUtcNow();
        var appliedAtText = Infrastructure.IsoTime.Format(appliedAt);
        foreach (var entry in applied)
        {
            await outbox.AddAsync(connection, transaction, SignalSubjects.Reputation, "reputation.event_applied", entry.Signal(appliedAtText),
                SignalDedupKeys.Reputation(entry.Event.EventId), appliedAt, ct);
        }
        await audit.AppendAsync(connection, transaction, Chain,
            [.. applied.Select(a => new AuditRecord(a.AuditEventType, Actor, a.AuditPayload()))], ct);
        await transaction.CommitAsync(ct);

        var aggregates = agentOrder.Select(id => new IngestedAggregate(id, AggregateJson.Text(current[id]!["state"])!,
            AggregateJson.Number(current[id]!["blended_score"]) ?? 0, (long)(AggregateJson.Number(current[id]!["sample_count"]) ?? 0))).ToList();
        return new IngestResult(applied, duplicates, aggregates);
    }

    private static async Task<bool> InsertEventAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, ReputationEvent ev, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(InsertEventSql, connection, transaction);
        command.Parameters.AddWithValue("nft_id", ev.AgentId);
        command.Parameters.AddWithValue("event_type", ev.Type);
        command.Parameters.AddWithValue("data", NpgsqlDbType.Jsonb, ev.Data.ToJsonString());
        command.Parameters.AddWithValue("event_id", ev.EventId);
        return await command.ExecuteScalarAsync(ct) is not null;
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
