using System.Text.Json.Nodes;
using Dixie.Bff.Features.Governance.Audit;
using Npgsql;
using NpgsqlTypes;

namespace Dixie.Bff.Features.Governance.Mutations;

/// <summary>
/// One admin or governance action. <paramref name="NaturalKey"/> (e.g. `&lt;task_id&gt;:admitted`)
/// makes the row idempotent: a retry or replay of the same action writes nothing new.
/// </summary>
public sealed record Mutation(string ResourceType, string MutationType, string ActorId, JsonObject? Payload = null, string? NaturalKey = null);

/// <summary>
/// The durable mutation log `governance_mutations` (spec 08 §3), written inside the caller's
/// transaction together with the change it describes. There is no read API; operators use SQL.
/// </summary>
public sealed class MutationLog(InstanceSession session)
{
    /// <summary>The UUID v5 namespace of natural keys; fixed forever, or replays stop being recognised.</summary>
    public static readonly Guid KeyNamespace = new("6c0d5b8e-3f0a-4f4e-9a51-2d1c7b9e4a10");

    private const string InsertSql = """
        INSERT INTO governance_mutations (mutation_id, session_id, actor_id, resource_type, mutation_type, payload)
        VALUES (@mutation_id, @session_id, @actor_id, @resource_type, @mutation_type, @payload)
        ON CONFLICT (mutation_id) DO NOTHING
        """;

    public Guid SessionId => session.Id;

    /// <summary>The id a mutation gets: UUID v5 of its natural key, else a fresh UUID v7.</summary>
    public static Guid MutationId(string? naturalKey) =>
        naturalKey is null ? Guid.CreateVersion7() : NameBasedUuid.Create(KeyNamespace, naturalKey);

    /// <summary>Writes the row; false when its natural key was already recorded.</summary>
    public async Task<bool> RecordAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Mutation mutation, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(mutation.ResourceType) || string.IsNullOrEmpty(mutation.MutationType) || string.IsNullOrEmpty(mutation.ActorId))
            throw new ArgumentException("A mutation needs a resource type, a mutation type and an actor");
        await using var command = new NpgsqlCommand(InsertSql, connection, transaction);
        command.Parameters.AddWithValue("mutation_id", MutationId(mutation.NaturalKey));
        command.Parameters.AddWithValue("session_id", session.Id);
        command.Parameters.AddWithValue("actor_id", mutation.ActorId);
        command.Parameters.AddWithValue("resource_type", mutation.ResourceType);
        command.Parameters.AddWithValue("mutation_type", mutation.MutationType);
        command.Parameters.AddWithValue("payload", NpgsqlDbType.Jsonb, CanonicalJson.Serialize(mutation.Payload ?? []));
        return await command.ExecuteNonQueryAsync(ct) == 1;
    }
}
