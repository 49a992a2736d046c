using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Dixie.Bff.Infrastructure.Postgres;

namespace Dixie.Bff.Features.Reputation;

/// <summary>
/// Validates one event against spec 06 §3.3 and reports the first problem as `"&lt;dotted path&gt;: &lt;reason&gt;"`.
/// Replay parses stored events with the same rules, without the "not in the future" bound.
/// </summary>
public static partial class ReputationEventParser
{
    private static readonly string[] Envelope = ["type", "event_id", "agent_id", "collection_id", "timestamp", "sequence"];
    private static readonly Dictionary<string, string[]> VariantFields = new(StringComparer.Ordinal)
    {
        [ReputationEventTypes.QualitySignal] = ["score", "task_type", "dimensions"],
        [ReputationEventTypes.TaskCompleted] = ["task_type", "success", "duration_ms"],
        [ReputationEventTypes.CredentialUpdate] = ["credential_id", "action"],
        [ReputationEventTypes.ModelPerformance] = ["model_id", "provider", "pool_id", "task_type", "quality_observation", "request_context"],
    };
    private static readonly string[] ObservationFields = ["score", "dimensions", "latency_ms", "evaluated_by"];
    private static readonly string[] ContextFields = ["request_id", "delegation_id"];
    private static readonly HashSet<string> ProtocolTaskTypes = new(StringComparer.Ordinal)
        { "code_review", "creative_writing", "analysis", "summarization", "general", "unspecified" };
    private static readonly HashSet<string> CredentialActions = new(StringComparer.Ordinal) { "issued", "revoked", "renewed", "suspended" };
    private static readonly DateTimeOffset Epoch = new(1970, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public const int MaxDimensions = 20;
    public const long MaxDurationMs = 3_600_000;

    [GeneratedRegex("^[A-Za-z0-9_-]{1,128}\\z", RegexOptions.CultureInvariant)]
    public static partial Regex NftId();

    [GeneratedRegex("^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\\z", RegexOptions.CultureInvariant)]
    private static partial Regex Uuid();

    [GeneratedRegex("^[a-z][a-z0-9_-]+:[a-z][a-z0-9_]+\\z", RegexOptions.CultureInvariant)]
    private static partial Regex CommunityTaskType();

    [GeneratedRegex("^[a-z][a-z0-9_]{0,31}\\z", RegexOptions.CultureInvariant)]
    private static partial Regex DimensionKey();

    /// <summary>The event, or the first problem. <paramref name="now"/> null skips the future bound (replay).</summary>
    public static (ReputationEvent? Event, string? Error) Parse(JsonElement item, DateTimeOffset? now)
    {
        try
        {
            return (ParseOrThrow(item, now), null);
        }
        catch (InvalidEventException invalid)
        {
            return (null, invalid.Message);
        }
    }

    private static ReputationEvent ParseOrThrow(JsonElement item, DateTimeOffset? now)
    {
        if (item.ValueKind != JsonValueKind.Object) throw Invalid("(event)", "must be an object");
        var type = RequiredString(item, "type", "type");
        if (!VariantFields.TryGetValue(type, out var variant))
            throw Invalid("type", "must be one of quality_signal, task_completed, credential_update, model_performance");
        RejectUnknown(item, "", [.. Envelope, .. variant]);

        var eventId = RequiredUuid(item, "event_id", "event_id");
        var agentId = BoundedString(item, "agent_id", "agent_id");
        if (!NftId().IsMatch(agentId)) throw Invalid("agent_id", "must match ^[A-Za-z0-9_-]{1,128}$");
        var collectionId = BoundedString(item, "collection_id", "collection_id");
        var timestamp = Timestamp(item, now);
        if (item.TryGetProperty("sequence", out var sequence)) Integer(sequence, "sequence", 0, long.MaxValue);

        var parsed = new ReputationEvent
        {
            Type = type, EventId = eventId, AgentId = agentId, CollectionId = collectionId, Timestamp = timestamp,
            Data = JsonNode.Parse(item.GetRawText())!.AsObject(),
        };
        return type switch
        {
            ReputationEventTypes.QualitySignal => parsed with
            {
                Score = UnitNumber(Required(item, "score", "score"), "score"),
                TaskType = item.TryGetProperty("task_type", out _) ? TaskType(item, "task_type") : null,
                Dimensions = Dimensions(item, "dimensions"),
            },
            ReputationEventTypes.TaskCompleted => CheckTaskCompleted(item, parsed),
            ReputationEventTypes.CredentialUpdate => CheckCredential(item, parsed),
            _ => ModelPerformance(item, parsed),
        };
    }

    private static ReputationEvent CheckTaskCompleted(JsonElement item, ReputationEvent parsed)
    {
        var taskType = TaskType(item, "task_type");
        if (Required(item, "success", "success").ValueKind is not (JsonValueKind.True or JsonValueKind.False))
            throw Invalid("success", "must be a boolean");
        if (item.TryGetProperty("duration_ms", out var duration)) Integer(duration, "duration_ms", 0, MaxDurationMs);
        return parsed with { TaskType = taskType };
    }

    private static ReputationEvent CheckCredential(JsonElement item, ReputationEvent parsed)
    {
        RequiredUuid(item, "credential_id", "credential_id");
        if (!CredentialActions.Contains(RequiredString(item, "action", "action")))
            throw Invalid("action", "must be one of issued, revoked, renewed, suspended");
        return parsed;
    }

    private static ReputationEvent ModelPerformance(JsonElement item, ReputationEvent parsed)
    {
        var modelId = BoundedString(item, "model_id", "model_id");
        BoundedString(item, "provider", "provider");
        var poolId = BoundedString(item, "pool_id", "pool_id");
        var taskType = TaskType(item, "task_type");
        var observation = Required(item, "quality_observation", "quality_observation");
        if (observation.ValueKind != JsonValueKind.Object) throw Invalid("quality_observation", "must be an object");
        RejectUnknown(observation, "quality_observation.", ObservationFields);
        var score = UnitNumber(Required(observation, "score", "quality_observation.score"), "quality_observation.score");
        var dimensions = Dimensions(observation, "quality_observation.dimensions");
        if (observation.TryGetProperty("latency_ms", out var latency)) Integer(latency, "quality_observation.latency_ms", 0, long.MaxValue);
        if (observation.TryGetProperty("evaluated_by", out var evaluatedBy)
            && (evaluatedBy.ValueKind != JsonValueKind.String || evaluatedBy.GetString()!.Length == 0))
        {
            throw Invalid("quality_observation.evaluated_by", "must be a non-empty string");
        }
        if (evaluatedBy.ValueKind == JsonValueKind.String && evaluatedBy.GetString()!.Contains('\0'))
            throw Invalid("quality_observation.evaluated_by", NulReason);
        if (item.TryGetProperty("request_context", out var context))
        {
            if (context.ValueKind != JsonValueKind.Object) throw Invalid("request_context", "must be an object");
            RejectUnknown(context, "request_context.", ContextFields);
            foreach (var field in ContextFields)
            {
                if (context.TryGetProperty(field, out _)) RequiredUuid(context, field, "request_context." + field);
            }
        }
        return parsed with { Score = score, Dimensions = dimensions, TaskType = taskType, ModelId = modelId, PoolId = poolId };
    }

    private static string Timestamp(JsonElement item, DateTimeOffset? now)
    {
        var text = RequiredString(item, "timestamp", "timestamp");
        if (!ReputationTime.TryParse(text, out var value)) throw Invalid("timestamp", "must be an ISO 8601 date-time with a zone");
        if (value < Epoch) throw Invalid("timestamp", "must not be before 1970-01-01");
        if (now is { } current && value > current.AddHours(24)) throw Invalid("timestamp", "must not be more than 24 hours in the future");
        return ReputationTime.Normalise(value);
    }

    private static string TaskType(JsonElement item, string path)
    {
        var value = RequiredString(item, path, path);
        if (!ProtocolTaskTypes.Contains(value) && !CommunityTaskType().IsMatch(value))
            throw Invalid(path, "must be a protocol task type or match ^[a-z][a-z0-9_-]+:[a-z][a-z0-9_]+$");
        return value;
    }

    private static List<KeyValuePair<string, double>>? Dimensions(JsonElement parent, string path)
    {
        var name = path[(path.LastIndexOf('.') + 1)..];
        if (!parent.TryGetProperty(name, out var dims)) return null;
        if (dims.ValueKind != JsonValueKind.Object) throw Invalid(path, "must be an object");
        var result = new List<KeyValuePair<string, double>>();
        foreach (var dim in dims.EnumerateObject())
        {
            if (!DimensionKey().IsMatch(dim.Name)) throw Invalid($"{path}.{dim.Name}", "key must match ^[a-z][a-z0-9_]{0,31}$");
            result.Add(new(dim.Name, UnitNumber(dim.Value, $"{path}.{dim.Name}")));
        }
        if (result.Count > MaxDimensions) throw Invalid(path, "must have at most 20 keys");
        if (result.Select(d => d.Key).Distinct(StringComparer.Ordinal).Count() != result.Count) throw Invalid(path, "duplicate key");
        result.Sort((a, b) => string.CompareOrdinal(a.Key, b.Key));
        return result;
    }

    private static void RejectUnknown(JsonElement item, string prefix, string[] allowed)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in item.EnumerateObject())
        {
            if (Array.IndexOf(allowed, property.Name) < 0) throw Invalid(prefix + property.Name, "unknown field");
            if (!seen.Add(property.Name)) throw Invalid(prefix + property.Name, "duplicate field");
        }
    }

    private static JsonElement Required(JsonElement item, string name, string path) =>
        item.TryGetProperty(name, out var value) ? value : throw Invalid(path, "required");

    private static string RequiredString(JsonElement item, string name, string path)
    {
        var value = Required(item, name, path);
        return value.ValueKind == JsonValueKind.String ? value.GetString()! : throw Invalid(path, "must be a string");
    }

    private static string BoundedString(JsonElement item, string name, string path)
    {
        var value = RequiredString(item, name, path);
        if (value.Length is < 1 or > 255) throw Invalid(path, "must be a string of 1 to 255 characters");
        return value.Contains('\0') ? throw Invalid(path, NulReason) : value;
    }

    private static Guid RequiredUuid(JsonElement item, string name, string path)
    {
        var value = Required(item, name, path);
        if (value.ValueKind != JsonValueKind.String || !Uuid().IsMatch(value.GetString()!)) throw Invalid(path, "must be a UUID");
        return Guid.Parse(value.GetString()!);
    }

    private static double UnitNumber(JsonElement value, string path) =>
        StoredNumber(value) is { } x && x is >= 0 and <= 1 ? x : throw Invalid(path, "must be a number between 0 and 1");

    private static void Integer(JsonElement value, string path, long min, long max)
    {
        if (StoredNumber(value) is not { } x || Math.Floor(x) != x || x < min || x > max)
        {
            throw Invalid(path, max == long.MaxValue ? $"must be an integer ≥ {min}" : $"must be an integer between {min} and {max}");
        }
    }

    /// <summary>
    /// The number as a finite double, or null. The event is stored as sent, so a literal that reads as
    /// a valid double but that jsonb cannot hold (`1e-20000` reads as 0) is refused too.
    /// </summary>
    private static double? StoredNumber(JsonElement value) =>
        value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var x) && double.IsFinite(x)
        && JsonbValue.IsStorableNumber(value.GetRawText())
            ? x
            : null;

    private const string NulReason = "must not contain NUL characters";

    private static InvalidEventException Invalid(string path, string reason) => new($"{path}: {reason}");

    private sealed class InvalidEventException(string message) : Exception(message);
}
